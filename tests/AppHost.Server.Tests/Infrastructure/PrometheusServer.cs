using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace AppHost.Server.Tests.Infrastructure;

/// <summary>
/// Debian's prometheus, scraping one target every second, bound to a free loopback port with its
/// storage in a temporary folder; asked through its HTTP API as a dashboard would.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _folder;
    private readonly HttpClient _api;

    private PrometheusServer(Process process, TempDirectory folder, Uri address)
    {
        _process = process;
        _folder = folder;
        _api = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (host:port) as the job "apphost", and waits until it is ready.</summary>
    public static async Task<PrometheusServer> StartAsync(string target)
    {
        var folder = new TempDirectory();
        string config = Path.Combine(folder.Path, "prometheus.yml");
        // One second between scrapes, so a test sees new counts within a few; a scrape may take all of it.
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: apphost
                static_configs:
                  - targets: ['{target}']
            """);
        int port = FreePorts.Take();
        var start = new ProcessStartInfo("prometheus")
        {
            ArgumentList = { $"--config.file={config}", $"--web.listen-address=127.0.0.1:{port}", $"--storage.tsdb.path={Path.Combine(folder.Path, "data")}" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = Process.Start(start)!;
        // Its log goes to stderr; read it so a full pipe never blocks it.
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var prometheus = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await Poll.UntilAsync(async () => await prometheus.IsReadyAsync(), TimeSpan.FromSeconds(60), "Prometheus getting ready");
        return prometheus;
    }

    /// <summary>The health of the target's last scrape: "up", "down" or "unknown" before the first.</summary>
    public async Task<string?> TargetHealthAsync()
    {
        using var targets = JsonDocument.Parse(await _api.GetStringAsync("api/v1/targets"));
        return targets.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(t => t.GetProperty("health").GetString()).FirstOrDefault();
    }

    /// <summary>The value of an instant query that yields one number, or null while it yields none.</summary>
    public async Task<double?> QueryAsync(string query)
    {
        using var result = JsonDocument.Parse(await _api.GetStringAsync($"api/v1/query?query={Uri.EscapeDataString(query)}"));
        var vector = result.RootElement.GetProperty("data").GetProperty("result");
        return vector.GetArrayLength() == 0 ? null
            : double.Parse(vector[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>How many series an instant query yields: the answer a panel draws. A query Prometheus cannot parse fails with its message.</summary>
    public async Task<int> SeriesAsync(string query)
    {
        using var response = await _api.GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}");
        using var result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Prometheus refused {query}: {result.RootElement.GetProperty("error").GetString()}");
        }

        var data = result.RootElement.GetProperty("data");
        // A scalar (time(), say) is one value; a vector is as many series as it holds.
        return data.GetProperty("resultType").GetString() == "scalar" ? 1 : data.GetProperty("result").GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        _api.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }

    private async Task<bool> IsReadyAsync()
    {
        try
        {
            using var ready = await _api.GetAsync("-/ready");
            return ready.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
