using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ChurnActors.Configuration;

namespace ChurnActors.Gateway.Access;

/// <summary>
/// <c>Churn:Gateway:Access</c>: who may use the ops page, the dashboard and the API (the Connect
/// hook's feedback endpoint keeps its own HMAC; health endpoints stay open).
/// </summary>
public sealed class AccessOptions : IValidatableObject
{
    /// <summary>
    /// Callers on the loopback interface need no credentials. On in the embedded default (one silo on
    /// loopback); off elsewhere, where a proxy on the same host would make every caller look local.
    /// </summary>
    public bool OpenOnLoopback { get; set; }

    /// <summary>The operator's user name for HTTP Basic authentication.</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(128)]
    public string User { get; set; } = "operator";

    /// <summary>The operator's password. Never logged; compared in constant time.</summary>
    [Redact]
    [MinLength(16, ErrorMessage = "must be at least 16 characters")]
    [MaxLength(1024)]
    public string? Password { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!OpenOnLoopback && string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult(
                "is required unless OpenOnLoopback is true: without it no one could open the page, the dashboard or the API",
                [nameof(Password)]);
        }
    }

    /// <summary>True for the configured user and password; false when no password is configured.</summary>
    public bool Accepts(string user, string password)
    {
        if (string.IsNullOrEmpty(Password))
        {
            return false;
        }

        // Both compared in full, as hashes of equal length, so timing tells nothing about either.
        var userMatches = CryptographicOperations.FixedTimeEquals(Hash(user), Hash(User));
        var passwordMatches = CryptographicOperations.FixedTimeEquals(Hash(password), Hash(Password));
        return userMatches & passwordMatches;
    }

    /// <summary>True when loopback callers are let in and this caller is one.</summary>
    public bool LetsIn(IPAddress? caller) =>
        OpenOnLoopback && caller is not null && IPAddress.IsLoopback(caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller);

    public override string ToString() => OptionsText.Describe(this);

    private static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));
}
