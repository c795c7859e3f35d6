namespace Distill.Dockerfile;

/// <summary>A build stage: its FROM, its name (lower-cased, as BuildKit compares names) and its instructions.</summary>
public sealed record Stage(int Index, string? Name, FromInstruction From, IReadOnlyList<Instruction> Instructions)
{
    /// <summary>How the stage is referred to in messages: its name, or its index.</summary>
    public string DisplayName => Name ?? Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
