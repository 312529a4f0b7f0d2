using ChurnActors.Gateway;
using Microsoft.Extensions.Options;

try
{
    await GatewayHost.Build(args).RunAsync();
}
catch (OptionsValidationException exception)
{
    // A bad configuration value stops the process with the key it is under.
    await Console.Error.WriteLineAsync("ChurnActors gateway: invalid configuration:");
    foreach (var failure in exception.Failures)
    {
        await Console.Error.WriteLineAsync("  " + failure);
    }

    return 2;
}

return 0;
