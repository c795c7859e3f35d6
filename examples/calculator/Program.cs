// A tiny line calculator, published as a fully static Native AOT binary (see README.md).
// Each input line is "A OP B" with OP one of + - * / %; "exit" or the end of input quits.
//
// To keep the binary small it uses libc's read(2), write(2) and isatty(3) on file
// descriptors 0 and 1 instead of System.Console, which would bring in terminal handling
// (terminfo, key parsing) and several text encodings: about 330 KB of the binary.
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Distill.Examples.Calculator;

internal static class Program
{
    private static int Main()
    {
        // The banner and the prompt are shown only to a person at a terminal, so that piped
        // input gives nothing but the Result/Error lines.
        bool interactive = Native.IsATty(0) == 1;
        if (interactive)
        {
            Output.Write("Distill calculator. Type 'A OP B' (OP: + - * / %), or 'exit' to quit.\n");
        }

        var input = new LineReader();
        while (true)
        {
            if (interactive)
            {
                Output.Write("> ");
            }

            string? line = input.ReadLine();
            if (line is null)
            {
                return 0;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "exit")
            {
                return 0;
            }

            Output.Write(Calculator.Evaluate(line) + "\n");
        }
    }
}

internal static class Calculator
{
    private const int MaxEchoedLength = 40;

    /// <summary>Evaluates one "A OP B" line into "Result: N" or "Error: ...".</summary>
    public static string Evaluate(string line)
    {
        // Split on spaces and tabs; a fourth token is only counted, as an error.
        string[] tokens = new string[3];
        int count = 0;
        int i = 0;
        while (i < line.Length && count <= tokens.Length)
        {
            while (i < line.Length && IsSpace(line[i]))
            {
                i++;
            }

            if (i == line.Length)
            {
                break;
            }

            int start = i;
            while (i < line.Length && !IsSpace(line[i]))
            {
                i++;
            }

            if (count < tokens.Length)
            {
                tokens[count] = line.Substring(start, i - start);
            }

            count++;
        }

        if (count != 3)
        {
            return "Error: expected 'A OP B', e.g. '1 + 2'";
        }

        if (!TryParse(tokens[0], out decimal a))
        {
            return "Error: '" + Echo(tokens[0]) + "' is not a number";
        }

        string op = tokens[1];
        if (op.Length != 1 || "+-*/%".IndexOf(op[0], StringComparison.Ordinal) < 0)
        {
            return "Error: unknown operator '" + Echo(op) + "' (use + - * / %)";
        }

        if (!TryParse(tokens[2], out decimal b))
        {
            return "Error: '" + Echo(tokens[2]) + "' is not a number";
        }

        decimal result;
        try
        {
            switch (op[0])
            {
                case '+':
                    result = a + b;
                    break;
                case '-':
                    result = a - b;
                    break;
                case '*':
                    result = a * b;
                    break;
                default:
                    if (b == 0m)
                    {
                        return "Error: division by zero";
                    }

                    result = op[0] == '/' ? a / b : a % b;
                    break;
            }
        }
        catch (OverflowException)
        {
            return "Error: result is out of range";
        }

        return "Result: " + Format(result);
    }

    private static bool IsSpace(char c) => c == ' ' || c == '\t';

    // Invariant culture: '.' is the decimal point whatever the environment says.
    private static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, NumberFormatInfo.InvariantInfo, out value);

    // Integers print without a decimal point and trailing zeros are dropped: 3.50 -> 3.5, 3.0 -> 3.
    private static string Format(decimal value)
    {
        string text = value.ToString(NumberFormatInfo.InvariantInfo);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            text = text.TrimEnd('0').TrimEnd('.');
        }

        return text == "-0" ? "0" : text;
    }

    // Long tokens are cut short in messages.
    private static string Echo(string token)
    {
        if (token.Length <= MaxEchoedLength)
        {
            return token;
        }

        int length = char.IsHighSurrogate(token[MaxEchoedLength - 1]) ? MaxEchoedLength - 1 : MaxEchoedLength;
        return string.Concat(token.AsSpan(0, length), "...");
    }
}

/// <summary>Reads UTF-8 lines from standard input (file descriptor 0).</summary>
internal sealed class LineReader
{
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>The next line without its "\n" or "\r\n", or null at the end of input.</summary>
    public string? ReadLine()
    {
        int scanned = 0; // bytes after _start already known to hold no newline
        while (true)
        {
            int from = _start + scanned;
            int newline = Array.IndexOf(_buffer, (byte)'\n', from, _end - from);
            if (newline >= 0)
            {
                string line = Decode(_start, newline);
                _start = newline + 1;
                return line;
            }

            if (_eof)
            {
                if (_start == _end)
                {
                    return null;
                }

                string last = Decode(_start, _end);
                _start = _end;
                return last;
            }

            scanned = _end - _start;
            Fill();
        }
    }

    private string Decode(int start, int end)
    {
        if (end > start && _buffer[end - 1] == (byte)'\r')
        {
            end--;
        }

        return Encoding.UTF8.GetString(_buffer, start, end - start);
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        nint n;
        do
        {
            n = Native.Read(0, ref _buffer[_end], (nuint)(_buffer.Length - _end));
        }
        while (n < 0 && Marshal.GetLastPInvokeError() == Native.EINTR);

        if (n <= 0)
        {
            _eof = true; // end of input, or an error reading it
        }
        else
        {
            _end += (int)n;
        }
    }
}

/// <summary>Writes UTF-8 text to standard output (file descriptor 1), unbuffered.</summary>
internal static class Output
{
    public static void Write(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int done = 0;
        while (done < bytes.Length)
        {
            nint n = Native.Write(1, ref bytes[done], (nuint)(bytes.Length - done));
            if (n < 0 && Marshal.GetLastPInvokeError() == Native.EINTR)
            {
                continue;
            }

            if (n <= 0)
            {
                return; // standard output is gone: nothing more can be shown
            }

            done += (int)n;
        }
    }
}

/// <summary>
/// libc functions. The project file lists "libc" as a DirectPInvoke, so these are bound when
/// the binary is linked, not looked up with dlopen at run time (a static binary has no loader).
/// </summary>
internal static class Native
{
    public const int EINTR = 4;

    [DllImport("libc", EntryPoint = "read", SetLastError = true)]
    public static extern nint Read(int fd, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "write", SetLastError = true)]
    public static extern nint Write(int fd, ref byte buffer, nuint count);

    [DllImport("libc", EntryPoint = "isatty")]
    public static extern int IsATty(int fd);
}
