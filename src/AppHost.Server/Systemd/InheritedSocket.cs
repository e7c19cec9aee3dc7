namespace AppHost.Systemd;

/// <summary>A listening socket the supervisor opened and passed on: its descriptor and the name the .socket unit gave it.</summary>
/// <param name="Descriptor">The file descriptor, 3 or above.</param>
/// <param name="Name">FileDescriptorName= of the .socket unit: "https" or "http"; empty when unnamed.</param>
internal sealed record InheritedSocket(int Descriptor, string Name);
