using System.ComponentModel.DataAnnotations;
using ChurnActors.Configuration;

namespace ChurnActors.Gateway.Telemetry;

/// <summary>Who may scrape <c>/metrics</c> without the operator's credentials.</summary>
public enum MetricsOpenTo
{
    /// <summary>Nobody: the scraper authenticates as the operator (HTTP Basic).</summary>
    None,

    /// <summary>Callers on the loopback interface (a scraper or collector beside the process, as the ECS sidecar is).</summary>
    Loopback,

    /// <summary>Loopback and private networks (10/8, 172.16/12, 192.168/16, fc00::/7): a scraper inside the VPC.</summary>
    PrivateNetwork,
}

/// <summary>
/// <c>Churn:Telemetry</c>: metrics are always kept and served at <c>/metrics</c>; OTLP export starts
/// when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and with it traces.
/// </summary>
public sealed class TelemetryOptions
{
    public const string Section = "Churn:Telemetry";

    /// <summary>Who may scrape <c>/metrics</c> without credentials (<see cref="MetricsOpenTo.None"/> by default).</summary>
    public MetricsOpenTo MetricsOpenTo { get; set; }

    /// <summary>Record traces even without an OTLP endpoint (for a test's exporter, or a debugging session).</summary>
    public bool Tracing { get; set; }

    /// <summary>
    /// The share of new traces kept (a trace begun upstream keeps its caller's choice): 1 % by default,
    /// as every read of the probe stream and every HTTP batch starts one.
    /// </summary>
    [Range(0.0, 1.0)]
    public double TraceSampleRatio { get; set; } = 0.01;

    public override string ToString() => OptionsText.Describe(this);
}
