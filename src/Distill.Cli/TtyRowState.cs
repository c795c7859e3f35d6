namespace Distill.Cli;

/// <summary>Where a row of the live build view stands.</summary>
internal enum TtyRowState
{
    Running,
    Done,
    Cached,
    Failed,
    /// <summary>Still running when the build ended (another step failed, or the build was interrupted).</summary>
    Canceled,
    /// <summary>A message outside any step: no time, never counted.</summary>
    Message,
}
