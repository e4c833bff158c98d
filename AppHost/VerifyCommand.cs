using System.Globalization;
using System.Text.Json;
using ConductorMesh.Verification;

namespace ConductorMesh.AppHost;

/// <summary>
/// <c>./mesh verify EXPORT ROOT</c>: checks a sealed cycle's export (the messages of
/// ExportSealedCycle as JSON, one after another, as grpcurl prints them) against its published
/// root, and prints each idea's counted votes. Exit 0 when they match, 1 when not, 2 for bad input.
/// </summary>
public static class VerifyCommand
{
    public const string Usage = "usage: ./mesh verify EXPORT.json ROOT   (EXPORT: the ExportSealedCycle stream as JSON; ROOT: CycleSeal.root)";

    public static int Run(string[] args)
    {
        if (args is not [var file, var rootHex])
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        byte[] root;
        List<TallyLeaf> leaves;
        try
        {
            root = Convert.FromHexString(rootHex);
            leaves = Read(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is FormatException or IOException or JsonException or InvalidDataException)
        {
            Console.Error.WriteLine($"mesh verify: {e.Message}\n{Usage}");
            return 2;
        }
        var (matches, count, totals, removed) = SealedExport.Check(leaves, root);
        var computed = Convert.ToHexStringLower(SealedExport.Tree(leaves).Root);
        Console.WriteLine(matches
            ? $"MATCH: the {count.ToString("N0", CultureInfo.InvariantCulture)} leaves give root {computed}."
            : $"NO MATCH: the {count.ToString("N0", CultureInfo.InvariantCulture)} leaves give root {computed}, not {rootHex.ToLowerInvariant()} (or are not in the tree's order).");
        Console.WriteLine($"{totals.Values.Sum().ToString("N0", CultureInfo.InvariantCulture)} votes counted, {removed.ToString("N0", CultureInfo.InvariantCulture)} removed from the count.");
        foreach (var (idea, votes) in totals.OrderByDescending(t => t.Value).ThenBy(t => t.Key.ToString("D"), StringComparer.Ordinal))
        {
            Console.WriteLine($"  idea {idea:D}: {votes.ToString("N0", CultureInfo.InvariantCulture)} votes");
        }
        return matches ? 0 : 1;
    }

    /// <summary>The leaves of JSON messages written one after another, by their <c>text</c>.</summary>
    private static List<TallyLeaf> Read(byte[] json)
    {
        var leaves = new List<TallyLeaf>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using var message = JsonDocument.ParseValue(ref reader);
            var text = message.RootElement.TryGetProperty("text", out var t) ? t.GetString() : null;
            leaves.Add(text is not null && TallyLeaf.Parse(text) is { } leaf
                ? leaf
                : throw new InvalidDataException($"message {leaves.Count} has no leaf text of docs/verification.md's form"));
        }
        return leaves;
    }
}
