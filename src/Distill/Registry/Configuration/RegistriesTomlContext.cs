using Tomlyn;
using Tomlyn.Model;
using Tomlyn.Serialization;

namespace Distill.Registry.Configuration;

/// <summary>Source-generated (Native AOT safe) reading of a TOML document into Tomlyn's untyped model.</summary>
[TomlSerializable(typeof(TomlTable))]
internal sealed partial class RegistriesTomlContext : TomlSerializerContext
{
    public RegistriesTomlContext(TomlSerializerOptions options) : base(options) { }
}
