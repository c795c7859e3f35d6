namespace Distill.Dockerfile;

/// <summary>
/// A node of the parsed Dockerfile, in BuildKit's shape: an instruction is a node whose <see cref="Value"/> is the
/// keyword as written, its arguments a chain through <see cref="Next"/>, and ONBUILD's inner instruction a child.
/// Positions are 1-based; lines include continuation lines and heredoc bodies.
/// </summary>
public sealed class Node
{
    public string Value { get; init; } = "";
    public Node? Next { get; internal set; }
    public IReadOnlyList<Node> Children { get; init; } = [];
    /// <summary>Leading <c>--flag</c> words, quotes removed.</summary>
    public IReadOnlyList<string> Flags { get; init; } = [];
    /// <summary>True when the arguments were a JSON array (exec form).</summary>
    public bool IsJson { get; init; }
    /// <summary>The logical line, continuations joined, as BuildKit keeps it.</summary>
    public string Original { get; init; } = "";
    public IReadOnlyList<Heredoc> Heredocs { get; internal set; } = [];
    /// <summary>Comment lines immediately before the instruction.</summary>
    public IReadOnlyList<string> PrevComments { get; init; } = [];
    public SourceRange Range { get; internal set; }

    /// <summary>The argument values, in order.</summary>
    public IEnumerable<string> Arguments
    {
        get
        {
            for (var n = Next; n is not null; n = n.Next)
                yield return n.Value;
        }
    }
}

/// <summary>A heredoc attached to an instruction: <c>&lt;&lt;[-]NAME</c>, its body, and whether variables expand in it.</summary>
public sealed record Heredoc(string Name, string Content, bool Expand, bool Chomp, int FileDescriptor);

/// <summary>1-based start and end positions in a file.</summary>
public readonly record struct SourceRange(int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public override string ToString() => $"{StartLine}:{StartColumn}";
}
