namespace AppHost.Server.Tests.Infrastructure;

/// <summary>A test of an image archive: needs skopeo, umoci and podman, and root to run the image (<see cref="ImageContainer"/>); skipped, with the reason, otherwise.</summary>
public sealed class ContainerToolsFactAttribute : FactAttribute
{
    public ContainerToolsFactAttribute()
    {
        Skip = ImageContainer.WhyNot();
    }
}
