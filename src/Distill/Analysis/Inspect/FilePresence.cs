namespace Distill.Analysis.Inspect;

/// <summary>Whether a file found in some layer is still in the final filesystem. Either way its bytes ship in that layer.</summary>
public enum FilePresence
{
    /// <summary>In the final filesystem, as that layer wrote it.</summary>
    Present,
    /// <summary>Overwritten by a later layer.</summary>
    Replaced,
    /// <summary>Removed by a later layer (a whiteout).</summary>
    Deleted,
}
