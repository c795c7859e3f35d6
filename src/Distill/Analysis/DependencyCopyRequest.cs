using Distill.Oci;

namespace Distill.Analysis;

/// <summary>
/// What <see cref="DependencyCopy"/> works from: the program (its image path and bytes), the image it will run in
/// (<see cref="Target"/>: base and application, without the dependencies; <see cref="Config"/> for Env such as
/// <c>LD_LIBRARY_PATH</c> and the working directory) and where the dependencies are taken from (<see cref="Source"/>:
/// another image or a host directory, searched with the same loader rules).
/// </summary>
public sealed record DependencyCopyRequest
{
    public required string ExecutablePath { get; init; }
    public required byte[] Executable { get; init; }
    public required ImageConfig Config { get; init; }
    public required IRootFilesystem Target { get; init; }
    public required IRootFilesystem Source { get; init; }
}
