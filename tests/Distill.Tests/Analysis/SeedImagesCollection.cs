namespace Distill.Tests.Analysis;

/// <summary>The test classes that share one <see cref="SeedImages"/> (four slow builds, done once).</summary>
[CollectionDefinition(Name)]
public sealed class SeedImagesCollection : ICollectionFixture<SeedImages>
{
    public const string Name = "seed images";
}
