using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChurnActors.Configuration;

public static class ValidatedOptions
{
    /// <summary>
    /// Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host
    /// starts, nested sections included, naming the full key of every bad value.
    /// </summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>Binds and validates a section read before the container exists (e.g. to configure Orleans).</summary>
    public static T Load<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        var options = configuration.GetSection(section).Get<T>() ?? new T();
        var result = new SectionValidator<T>(section).Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(section, typeof(T), result.Failures);
        }

        return options;
    }

    private sealed class SectionValidator<T>(string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            Walk(options, section, failures);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static void Walk(object target, string path, List<string> failures)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true);
            foreach (var result in results)
            {
                var members = result.MemberNames.Any() ? result.MemberNames : [""];
                foreach (var member in members)
                {
                    var key = member.Contains(':', StringComparison.Ordinal) ? member : member.Length == 0 ? path : $"{path}:{member}";
                    failures.Add($"{key}: {result.ErrorMessage}");
                }
            }

            foreach (var property in target.GetType().GetProperties())
            {
                if (property.PropertyType.IsClass
                    && property.PropertyType.Namespace?.StartsWith("ChurnActors", StringComparison.Ordinal) == true
                    && property.GetIndexParameters().Length == 0
                    && property.GetValue(target) is { } nested)
                {
                    var key = property.GetCustomAttributes(typeof(ConfigurationKeyNameAttribute), inherit: false) is [ConfigurationKeyNameAttribute named] ? named.Name : property.Name;
                    Walk(nested, $"{path}:{key}", failures);
                }
            }
        }
    }
}
