using ChurnActors.Silo;
using Microsoft.Extensions.Options;

try
{
    var app = ChurnSiloHost.Build(args);
    await app.RunAsync();
}
catch (OptionsValidationException exception)
{
    // A bad configuration value stops the process with the key it is under.
    await Console.Error.WriteLineAsync("ChurnActors silo: invalid configuration:");
    foreach (var failure in exception.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure);
    }

    return 2;
}
catch (InvalidOperationException exception) when (exception.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
{
    await Console.Error.WriteLineAsync("ChurnActors silo: invalid configuration: " + exception.Message);
    return 2;
}

return 0;
