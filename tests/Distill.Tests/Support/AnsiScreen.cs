using System.Text;

namespace Distill.Tests.Support;

/// <summary>
/// A tiny terminal for tests of live progress views: replays text with the ANSI sequences such views use (cursor up
/// <c>ESC[nA</c>, erase line <c>ESC[K</c>, erase below <c>ESC[J</c>, carriage return, line feed, hide/show cursor) and
/// keeps what would be on screen, colours (SGR) dropped. It does not wrap: a row longer than the width stays long, so
/// tests can see that nothing was drawn past it.
/// </summary>
public sealed class AnsiScreen
{
    private readonly List<StringBuilder> _rows = [new()];
    private int _row;
    private int _column;

    public bool CursorVisible { get; private set; } = true;

    /// <summary>The rows on screen, trailing spaces kept, the empty row the cursor may sit on at the end left off.</summary>
    public IReadOnlyList<string> Rows
    {
        get
        {
            var rows = _rows.Select(r => r.ToString()).ToList();
            while (rows.Count > 0 && rows[^1].Length == 0)
                rows.RemoveAt(rows.Count - 1);
            return rows;
        }
    }

    /// <summary>The row the cursor is on (0 is the first row ever written).</summary>
    public int CursorRow => _row;

    public static AnsiScreen Of(string text)
    {
        var screen = new AnsiScreen();
        screen.Write(text);
        return screen;
    }

    public void Write(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\u001b':
                    i = Sequence(text, i);
                    break;
                case '\r':
                    _column = 0;
                    break;
                case '\n':
                    _row++;
                    _column = 0;
                    while (_rows.Count <= _row)
                        _rows.Add(new StringBuilder());
                    break;
                default:
                    Assert.False(char.IsControl(c), $"control character U+{(int)c:X4} written to the screen");
                    Put(c);
                    break;
            }
        }
    }

    private void Put(char c)
    {
        var row = _rows[_row];
        if (row.Length < _column)
            row.Append(' ', _column - row.Length);
        if (_column < row.Length)
            row[_column] = c;
        else
            row.Append(c);
        _column++;
    }

    private int Sequence(string text, int at)
    {
        Assert.True(at + 1 < text.Length && text[at + 1] == '[', $"unsupported escape sequence at {at}: {text[at..Math.Min(text.Length, at + 8)]}");
        var end = at + 2;
        while (end < text.Length && text[end] is < '@' or > '~')
            end++;
        Assert.True(end < text.Length, "escape sequence cut short: the frame was not written whole");
        var parameters = text[(at + 2)..end];
        switch (text[end])
        {
            case 'A':
                var up = parameters.Length == 0 ? 1 : int.Parse(parameters, System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(up <= _row, $"cursor moved up {up} rows from row {_row}: above what was drawn");
                _row -= up;
                break;
            case 'K':
                Assert.True(parameters is "" or "0", $"erase line {parameters}");
                if (_rows[_row].Length > _column)
                    _rows[_row].Length = _column;
                break;
            case 'J':
                Assert.True(parameters is "" or "0", $"erase display {parameters}");
                if (_rows[_row].Length > _column)
                    _rows[_row].Length = _column;
                _rows.RemoveRange(_row + 1, _rows.Count - _row - 1);
                break;
            case 'm':
                break;
            case 'l' when parameters == "?25":
                CursorVisible = false;
                break;
            case 'h' when parameters == "?25":
                CursorVisible = true;
                break;
            default:
                Assert.Fail($"unsupported sequence ESC[{parameters}{text[end]}");
                break;
        }
        return end;
    }
}
