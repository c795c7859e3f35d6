namespace Distill.Build;

/// <summary>
/// <c>--chmod</c>: an octal mode (<c>755</c>, <c>0644</c>, <c>4755</c>) that replaces the permission bits of every
/// copied file and directory, or a symbolic one as chmod(1) writes it (<c>u+x</c>, <c>go-w</c>, <c>a=rX,u+w</c>),
/// which BuildKit's Dockerfile frontend accepts since 1.14 and applies to each entry's own mode.
/// </summary>
internal sealed class CopyMode
{
    private readonly int? _octal;
    private readonly IReadOnlyList<Clause> _clauses;

    private CopyMode(int? octal, IReadOnlyList<Clause> clauses)
    {
        _octal = octal;
        _clauses = clauses;
    }

    private sealed record Clause(int Who, char Op, int Bits, char? CopyFrom, bool ConditionalExecute);

    public static CopyMode Parse(string text)
    {
        if (text.Length > 0 && text.All(c => c is >= '0' and <= '7'))
        {
            var value = Convert.ToInt32(text, 8);
            if (text.Length > 4 && value > 0xfff)
                throw new FormatException($"invalid chmod parameter: {text}");
            return new CopyMode(value & 0xfff, []);
        }
        var clauses = new List<Clause>();
        foreach (var part in text.Split(','))
        {
            var i = 0;
            var who = 0;
            for (; i < part.Length && part[i] is 'u' or 'g' or 'o' or 'a'; i++)
                who |= part[i] switch { 'u' => 0x9c0, 'g' => 0x438, 'o' => 0x207, _ => 0xfff };
            if (who == 0)
                who = 0xfff;
            if (i >= part.Length)
                throw new FormatException($"invalid chmod parameter: {text}");
            while (i < part.Length)
            {
                var op = part[i++];
                if (op is not ('+' or '-' or '='))
                    throw new FormatException($"invalid chmod parameter: {text}");
                var bits = 0;
                char? from = null;
                var conditional = false;
                for (; i < part.Length && part[i] is not ('+' or '-' or '='); i++)
                {
                    switch (part[i])
                    {
                        case 'r': bits |= 0x124; break;
                        case 'w': bits |= 0x92; break;
                        case 'x': bits |= 0x49; break;
                        case 'X': conditional = true; break;
                        case 's': bits |= 0xc00; break;
                        case 't': bits |= 0x200; break;
                        case 'u' or 'g' or 'o': from = part[i]; break;
                        default: throw new FormatException($"invalid chmod parameter: {text}");
                    }
                }
                clauses.Add(new Clause(who, op, bits, from, conditional));
            }
        }
        return new CopyMode(null, clauses);
    }

    /// <summary>The mode a copied entry gets, from its source permission bits (07777).</summary>
    public int Apply(int permissions, bool isDirectory)
    {
        if (_octal is { } octal)
            return octal;
        var mode = permissions;
        foreach (var c in _clauses)
        {
            var bits = c.Bits;
            if (c.ConditionalExecute && (isDirectory || (mode & 0x49) != 0))
                bits |= 0x49;
            if (c.CopyFrom is { } from)
            {
                var rwx = from switch { 'u' => (mode >> 6) & 7, 'g' => (mode >> 3) & 7, _ => mode & 7 };
                bits |= (rwx << 6) | (rwx << 3) | rwx;
            }
            bits &= c.Who;
            mode = c.Op switch
            {
                '+' => mode | bits,
                '-' => mode & ~bits,
                _ => (mode & ~c.Who) | bits,
            };
        }
        return mode & 0xfff;
    }

    public override string ToString() =>
        _octal is { } o ? Convert.ToString(o, 8).PadLeft(4, '0') : string.Join(',', _clauses.Select(c => c.ToString()));
}
