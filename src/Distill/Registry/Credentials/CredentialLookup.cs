namespace Distill.Registry.Credentials;

/// <summary>A credential found, and where: the auth file's path, or the helper and the file that named it.</summary>
public sealed record CredentialLookup(RegistryCredential Credential, string Source);
