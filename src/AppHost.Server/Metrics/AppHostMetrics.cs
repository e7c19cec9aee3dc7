using System.Reflection;
using AppHost.Acme.Renewal;
using AppHost.Running;

namespace AppHost.Metrics;

/// <summary>
/// AppHost's own metrics, computed at each scrape: the versions running, when each served
/// certificate expires, how ACME's orders ended, and whether the server is draining.
/// </summary>
/// <param name="tls">The certificates in service, or null for plain HTTP.</param>
/// <param name="stopping">Cancelled once a stop has begun.</param>
internal sealed class AppHostMetrics(ServerTls? tls, CancellationToken stopping)
{
    private readonly string _buildLabels = PrometheusText.Labels([
        ("app_version", ReadyFileWriter.VersionOf(Assembly.GetEntryAssembly())),
        ("apphost_version", ReadyFileWriter.VersionOf(typeof(AppHostMetrics).Assembly))]);

    public void Write(PrometheusText text)
    {
        text.Family("apphost_build_info", "gauge", "Always 1; its labels are the app's version and AppHost.Server's.");
        text.Sample("apphost_build_info", _buildLabels, 1);

        if (tls is not null)
        {
            // One per name: the --cert file as given, or each ACME domain once it has a certificate.
            text.Family("apphost_certificate_expiry_timestamp_seconds", "gauge", "When the certificate served for a name expires (its notAfter), in Unix seconds.");
            foreach (var (name, certificate) in tls.Served)
            {
                text.Sample("apphost_certificate_expiry_timestamp_seconds", PrometheusText.Labels([("name", name)]),
                    new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToUnixTimeSeconds());
            }
        }

        if (tls?.AcmeOrders is { } orders)
        {
            WriteAcme(text, orders);
        }

        text.Family("apphost_draining", "gauge", "1 while a stop finishes the requests in flight, else 0.");
        text.Sample("apphost_draining", "", stopping.IsCancellationRequested ? 1 : 0);
    }

    private static void WriteAcme(PrometheusText text, OrderTally orders)
    {
        var names = orders.Snapshot();
        // Every kind and outcome from a name's first order on, zeros too, so increase() sees the first failure.
        text.Family("apphost_acme_orders_total", "counter", "ACME orders by name, kind (new: the name's first certificate, renewal) and outcome (obtained, failed).");
        foreach (var name in names)
        {
            OrdersSample(text, name.Name, "new", "obtained", name.NewObtained);
            OrdersSample(text, name.Name, "new", "failed", name.NewFailed);
            OrdersSample(text, name.Name, "renewal", "obtained", name.RenewalObtained);
            OrdersSample(text, name.Name, "renewal", "failed", name.RenewalFailed);
        }

        text.Family("apphost_acme_last_obtained_timestamp_seconds", "gauge", "When the CA last issued a certificate for the name, in Unix seconds; absent until this process obtains one.");
        foreach (var name in names)
        {
            if (name.LastObtained is { } at)
            {
                text.Sample("apphost_acme_last_obtained_timestamp_seconds", PrometheusText.Labels([("name", name.Name)]), at.ToUnixTimeSeconds());
            }
        }
    }

    private static void OrdersSample(PrometheusText text, string name, string kind, string outcome, long count) =>
        text.Sample("apphost_acme_orders_total", PrometheusText.Labels([("name", name), ("kind", kind), ("outcome", outcome)]), count);
}
