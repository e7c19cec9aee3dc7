using System.CommandLine;

namespace AppHostSample;

/// <summary>The app's own options, shown by --help after AppHost's standard ones. Add yours here.</summary>
internal static class AppOptions
{
    // A greeting is a word or two; the bound keeps every response small whatever the operator types.
    private const int MaxGreetingLength = 20;

    public static readonly Option<string> Greeting = CreateGreeting();

    private static Option<string> CreateGreeting()
    {
        var option = new Option<string>("--greeting")
        {
            Description = "The word /api/greeting greets with.",
            DefaultValueFactory = _ => "Hello",
            HelpName = "word",
        };
        option.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>() ?? "";
            if (value.Trim().Length is 0 or > MaxGreetingLength)
            {
                result.AddError($"--greeting '{value}' is not valid: expected 1 to {MaxGreetingLength} characters, for example Hej");
            }
        });
        return option;
    }
}
