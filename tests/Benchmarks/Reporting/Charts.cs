using System.Globalization;
using System.Net;
using System.Text;

namespace ChurnActors.Benchmarks.Reporting;

/// <summary>The report's charts as plain SVG, drawn from the measured figures alone.</summary>
public static class Charts
{
    private const int Width = 760;
    private const string Font = "font-family=\"system-ui, sans-serif\" font-size=\"12\"";
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

    /// <summary>Horizontal bars on a logarithmic axis, each labelled with its value.</summary>
    public static string Bars(string title, string unit, IReadOnlyList<(string Label, double Value, string Group)> bars)
    {
        const int left = 230, barHeight = 22, gap = 10, top = 40;
        var height = top + (bars.Count * (barHeight + gap)) + 55;
        var max = Math.Max(10, bars.Max(b => b.Value));
        var (low, high) = (Math.Pow(10, Math.Floor(Math.Log10(Math.Max(1, bars.Min(b => b.Value))))), Math.Pow(10, Math.Ceiling(Math.Log10(max))));
        double X(double value) => left + ((Width - left - 90) * (Math.Log10(Math.Max(value, low)) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)));

        var svg = Start(title, height);
        for (var decade = low; decade <= high; decade *= 10)
        {
            var x = X(decade);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"{top - 5}\" x2=\"{x:F1}\" y2=\"{height - 45}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{height - 30}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Short(decade)}</text>");
        }

        var groups = bars.Select(b => b.Group).Distinct().ToList();
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, group) = bars[i];
            var y = top + (i * (barHeight + gap));
            var colour = Colours[groups.IndexOf(group) % Colours.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 8}\" y=\"{y + 15}\" text-anchor=\"end\" {Font}>{Escape(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y}\" width=\"{Math.Max(1, X(value) - left):F1}\" height=\"{barHeight}\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(value) + 6:F1}\" y=\"{y + 15}\" {Font}>{value.ToString("N0", CultureInfo.InvariantCulture)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + Width - 90) / 2}\" y=\"{height - 10}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Escape(unit)} (log scale)</text>");
        return End(svg);
    }

    /// <summary>Lines of y against x on logarithmic x, one per series.</summary>
    public static string Lines(string title, string xUnit, string yUnit, IReadOnlyList<(string Series, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        const int left = 70, top = 50, bottom = 60, height = 390;
        var points = series.SelectMany(s => s.Points).ToList();
        var (xLow, xHigh) = (Math.Pow(10, Math.Floor(Math.Log10(points.Min(p => p.X)))), Math.Pow(10, Math.Ceiling(Math.Log10(points.Max(p => p.X)))));
        var yHigh = Nice(points.Max(p => p.Y));
        var right = Width - 250;
        double X(double x) => left + ((right - left) * (Math.Log10(x) - Math.Log10(xLow)) / Math.Max(1e-9, Math.Log10(xHigh) - Math.Log10(xLow)));
        double Y(double y) => height - bottom - ((height - bottom - top) * Math.Max(0, y) / yHigh);

        var svg = Start(title, height);
        for (var tick = 0; tick <= 4; tick++)
        {
            var value = yHigh * tick / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{Y(value):F1}\" x2=\"{right}\" y2=\"{Y(value):F1}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(value) + 4:F1}\" text-anchor=\"end\" {Font} fill=\"#555\">{Short(value)}</text>");
        }

        for (var decade = xLow; decade <= xHigh; decade *= 10)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(decade):F1}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Short(decade)}</text>");
        }

        for (var i = 0; i < series.Count; i++)
        {
            var (name, data) = series[i];
            var colour = Colours[i % Colours.Length];
            var path = string.Join(" ", data.OrderBy(p => p.X).Select((p, j) => string.Create(CultureInfo.InvariantCulture, $"{(j == 0 ? 'M' : 'L')}{X(p.X):F1},{Y(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>");
            foreach (var (x, y) in data)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(x):F1}\" cy=\"{Y(y):F1}\" r=\"3\" fill=\"{colour}\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{right + 15}\" y=\"{top + (i * 20)}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{right + 32}\" y=\"{top + (i * 20) + 10}\" {Font}>{Escape(name)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + right) / 2}\" y=\"{height - 15}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Escape(xUnit)} (log scale)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"{top - 14}\" {Font} fill=\"#555\">{Escape(yUnit)}</text>");
        return End(svg);
    }

    /// <summary>How many values fall in each band of a logarithmic axis, with markers where the named percentiles are.</summary>
    public static string Histogram(string title, string unit, IReadOnlyList<double> values, IReadOnlyList<(string Name, double Value)> markers)
    {
        const int left = 60, top = 40, bottom = 60, height = 340, bins = 40;
        var positive = values.Where(v => v > 0).ToArray();
        var low = Math.Pow(10, Math.Floor(Math.Log10(positive.Length == 0 ? 0.1 : positive.Min())));
        var high = Math.Pow(10, Math.Ceiling(Math.Log10(positive.Length == 0 ? 10 : positive.Max())));
        var counts = new int[bins];
        foreach (var value in positive)
        {
            var bin = (int)((Math.Log10(value) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)) * bins);
            counts[Math.Clamp(bin, 0, bins - 1)]++;
        }

        var right = Width - 20;
        var top1 = Nice(Math.Max(1, counts.Max()));
        double X(double value) => left + ((right - left) * (Math.Log10(Math.Max(value, low)) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)));
        double Y(double count) => height - bottom - ((height - bottom - top) * count / top1);

        var svg = Start(title, height);
        for (var decade = low; decade <= high; decade *= 10)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(decade):F1}\" y1=\"{top}\" x2=\"{X(decade):F1}\" y2=\"{height - bottom}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(decade):F1}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Short(decade)}</text>");
        }

        var binWidth = (double)(right - left) / bins;
        for (var bin = 0; bin < bins; bin++)
        {
            if (counts[bin] > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + (bin * binWidth) + 1:F1}\" y=\"{Y(counts[bin]):F1}\" width=\"{binWidth - 2:F1}\" height=\"{height - bottom - Y(counts[bin]):F1}\" fill=\"{Colours[0]}\"/>");
            }
        }

        for (var i = 0; i < markers.Count; i++)
        {
            var (name, value) = markers[i];
            var x = X(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"{top}\" x2=\"{x:F1}\" y2=\"{height - bottom}\" stroke=\"{Colours[1]}\" stroke-dasharray=\"4 3\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 4:F1}\" y=\"{top + 12 + (i * 14)}\" {Font} fill=\"{Colours[1]}\">{Escape(name)} {value.ToString("N2", CultureInfo.InvariantCulture)}</text>");
        }

        for (var tick = 0; tick <= 2; tick++)
        {
            var count = top1 * tick / 2;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{Y(count) + 4:F1}\" text-anchor=\"end\" {Font} fill=\"#555\">{Short(count)}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(left + right) / 2}\" y=\"{height - 15}\" text-anchor=\"middle\" {Font} fill=\"#555\">{Escape(unit)} (log scale); {values.Count.ToString("N0", CultureInfo.InvariantCulture)} engagements, counted in bands</text>");
        return End(svg);
    }

    private static StringBuilder Start(string title, int height)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"10\" y=\"20\" font-family=\"system-ui, sans-serif\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>");
        return svg;
    }

    private static string End(StringBuilder svg) => svg.Append("</svg>\n").ToString();

    private static double Nice(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(Math.Max(value, 1e-9))));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(v => v >= value);
    }

    private static string Short(double value) => value switch
    {
        >= 1e6 => (value / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e3 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        >= 1 => value.ToString("0.#", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
