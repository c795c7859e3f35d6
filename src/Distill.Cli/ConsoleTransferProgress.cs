using System.Diagnostics;
using Distill.Oci;

namespace Distill.Cli;

/// <summary>
/// Shows blob transfers: on a terminal, one live bar per blob redrawn in place on stderr; otherwise one plain line on
/// stdout when a blob starts and one when it ends, as skopeo prints them (stderr stays for errors).
/// </summary>
internal sealed class ConsoleTransferProgress : ITransferProgress
{
    private readonly object _gate = new();
    private readonly bool _live = !Console.IsErrorRedirected;
    private readonly List<Row> _rows = [];
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private int _drawnLines;

    public void Started(Descriptor blob)
    {
        lock (_gate)
        {
            if (_rows.Any(r => r.Blob.Digest == blob.Digest))
                return;
            _rows.Add(new Row(blob));
            if (!_live)
                Console.Out.WriteLine($"Copying blob {Short(blob.Digest)} ({CommandRunner.HumanSize(blob.Size)})");
            else
                Draw(force: true);
        }
    }

    public void Advanced(Descriptor blob, long bytes)
    {
        lock (_gate)
        {
            var row = _rows.FirstOrDefault(r => r.Blob.Digest == blob.Digest);
            if (row is null)
                return;
            row.Done = Math.Min(blob.Size, row.Done + bytes);
            if (_live && _sinceDraw.ElapsedMilliseconds >= 100)
                Draw(force: false);
        }
    }

    public void Finished(Descriptor blob, bool skipped)
    {
        lock (_gate)
        {
            var row = _rows.FirstOrDefault(r => r.Blob.Digest == blob.Digest);
            if (row is null)
            {
                row = new Row(blob);
                _rows.Add(row);
            }
            row.Done = blob.Size;
            row.State = skipped ? "skipped: already exists" : "done";
            if (!_live)
                Console.Out.WriteLine($"Copying blob {Short(blob.Digest)} {row.State}");
            else
                Draw(force: true);
        }
    }

    private void Draw(bool force)
    {
        if (!force && _sinceDraw.ElapsedMilliseconds < 100)
            return;
        _sinceDraw.Restart();
        var output = new System.Text.StringBuilder();
        if (_drawnLines > 0)
            output.Append($"\u001b[{_drawnLines}A");
        foreach (var row in _rows)
        {
            const int width = 30;
            var fraction = row.Blob.Size == 0 ? 1.0 : (double)row.Done / row.Blob.Size;
            var filled = (int)(fraction * width);
            output.Append("\u001b[2K").Append("Copying blob ").Append(Short(row.Blob.Digest)).Append(' ');
            output.Append(row.State ?? $"[{new string('=', filled)}{(filled < width ? ">" : "")}{new string(' ', Math.Max(0, width - filled - 1))}] {CommandRunner.HumanSize(row.Done)} / {CommandRunner.HumanSize(row.Blob.Size)}");
            output.Append('\n');
        }
        _drawnLines = _rows.Count;
        Console.Error.Write(output.ToString());
    }

    private static string Short(Digest digest) => digest.Encoded[..12];

    private sealed class Row(Descriptor blob)
    {
        public Descriptor Blob { get; } = blob;
        public long Done { get; set; }
        public string? State { get; set; }
    }
}
