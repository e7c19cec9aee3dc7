namespace Bench.Endpoints;

/// <summary>One row of the catalog <c>/table</c> shows. Prices are in cents, as money should be.</summary>
internal sealed record Product(int Id, string Name, string Category, int PriceCents, int Stock);
