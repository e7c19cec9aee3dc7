namespace Bench.Endpoints;

/// <summary>
/// An in-memory catalog of 3,000 products, generated the same way as in build/bench/go/table.go
/// (xorshift32 from a fixed seed), and sorted afresh for every request: no cache hides the work.
/// </summary>
internal static class ProductCatalog
{
    /// <summary>Rows per page of the table.</summary>
    public const int PageSize = 100;

    // 3,000 rows make sorting by name plus rendering a page about 1 ms of work on one core of the
    // benchmark machine: a realistic page, where the app's code and not the server's dominates.
    private const int Count = 3000;

    /// <summary>How many pages the catalog fills.</summary>
    public const int PageCount = Count / PageSize;

    private static readonly string[] Adjectives =
        ["Fast", "Quiet", "Tom's", "Red", "Blue", "Smart", "Tiny", "Grand", "Old-Fashioned", "\"Classic\"", "Organic", "Heavy-Duty"];

    private static readonly string[] Nouns =
        ["Kettle", "Lamp", "Chair", "Fish & Chips", "Desk", "Router", "<Widget>", "Teapot", "Backpack", "Bicycle", "Notebook", "Clock"];

    private static readonly string[] Categories = ["Kitchen", "Office", "Garden & Patio", "Toys", "Tools", "Books"];

    private static readonly Product[] Products = Generate();

    /// <summary>Maps the <c>sort</c> query value to its order; ties are broken by id, so every order is total.</summary>
    public static bool TryGetOrder(string sort, out Comparison<Product> order)
    {
        order = sort switch
        {
            "id" => static (a, b) => a.Id.CompareTo(b.Id),
            "name" => static (a, b) => string.CompareOrdinal(a.Name, b.Name) is int c and not 0 ? c : a.Id.CompareTo(b.Id),
            "price" => static (a, b) => a.PriceCents != b.PriceCents ? a.PriceCents.CompareTo(b.PriceCents) : a.Id.CompareTo(b.Id),
            "stock" => static (a, b) => a.Stock != b.Stock ? a.Stock.CompareTo(b.Stock) : a.Id.CompareTo(b.Id),
            _ => null!,
        };
        return order is not null;
    }

    /// <summary>Sorts a copy of the whole catalog and returns page <paramref name="page"/> (1-based).</summary>
    public static ArraySegment<Product> Page(Comparison<Product> order, int page)
    {
        var sorted = (Product[])Products.Clone();
        Array.Sort(sorted, order);
        return new ArraySegment<Product>(sorted, (page - 1) * PageSize, PageSize);
    }

    private static Product[] Generate()
    {
        uint state = 2463534242;
        uint Next()
        {
            // xorshift32 (Marsaglia 2003): the same numbers in Go, so both servers hold the same catalog.
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            return state;
        }

        var products = new Product[Count];
        for (int i = 0; i < Count; i++)
        {
            string name = $"{Adjectives[Next() % (uint)Adjectives.Length]} {Nouns[Next() % (uint)Nouns.Length]} No. {Next() % 1000}";
            string category = Categories[Next() % (uint)Categories.Length];
            products[i] = new Product(i + 1, name, category, PriceCents: 99 + (int)(Next() % 100_000), Stock: (int)(Next() % 500));
        }

        return products;
    }
}
