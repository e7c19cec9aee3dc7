namespace AppHost.Certificates;

/// <summary>
/// Watches the folders of the certificate's files, not the files: a rename or symlink swap replaces
/// the file a watcher would hold. Only changes to those files' names count, and Kubernetes' "..data"
/// link swap; a folder may also hold files that change all the time (logs, a database) and each of
/// their writes would otherwise load the certificate again.
/// </summary>
internal static class CertificateFolderWatcher
{
    /// <param name="files">The certificate, key and password files; null entries are skipped.</param>
    /// <param name="changed">Called on a watcher thread with the name of each entry that changed (after a rename, its new name).</param>
    public static IReadOnlyList<FileSystemWatcher> Watch(IEnumerable<string?> files, Action<string> changed)
    {
        var watchers = new List<FileSystemWatcher>();
        foreach (var folder in files.OfType<string>().Select(Path.GetFullPath).GroupBy(Path.GetDirectoryName))
        {
            var watcher = new FileSystemWatcher(folder.Key!)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.CreationTime | NotifyFilters.Size,
            };
            foreach (string path in folder)
            {
                watcher.Filters.Add(Path.GetFileName(path));
            }

            // Kubernetes mounts cert.pem -> ..data/cert.pem and swaps ..data by renaming ..data_tmp over it.
            watcher.Filters.Add("..*");
            watcher.Changed += (_, e) => changed(e.Name!);
            watcher.Created += (_, e) => changed(e.Name!);
            watcher.Renamed += (_, e) => changed(e.Name!);
            watcher.EnableRaisingEvents = true;
            watchers.Add(watcher);
        }

        return watchers;
    }
}
