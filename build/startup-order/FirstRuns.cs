/// <summary>Code addresses in the order they first ran, over one or more runs.</summary>
internal sealed class FirstRuns
{
    private readonly HashSet<ulong> _seen = [];
    private readonly List<ulong> _inOrder = [];

    public IReadOnlyList<ulong> InOrder => _inOrder;

    public void Add(ulong address)
    {
        if (_seen.Add(address))
        {
            _inOrder.Add(address);
        }
    }
}
