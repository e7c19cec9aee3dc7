namespace AppHost;

/// <summary>How log lines are written to standard output.</summary>
public enum LogFormat
{
    /// <summary>One readable line per event, coloured when the output is a terminal.</summary>
    Text,

    /// <summary>One compact JSON object per event (CLEF), for log collectors.</summary>
    Json,
}
