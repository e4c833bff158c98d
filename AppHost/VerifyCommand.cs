using System.Globalization;
using System.Text.Json;
using ConductorMesh.Verification;

namespace ConductorMesh.AppHost;

/// <summary>
/// <c>./mesh verify EXPORT ROOT</c>: checks a sealed cycle's export (the messages of
/// ExportSealedCycle as JSON, one after another, as grpcurl prints them) against its published
/// root, and prints each idea's counted votes. <c>./mesh verify --receipt RECEIPT ROOT</c>: checks
/// one vote's receipt (GetVoteReceipt's answer as JSON) against it. Exit 0 when they match, 1 when
/// not, 2 for bad input.
/// </summary>
public static class VerifyCommand
{
    public const string Usage = "usage: ./mesh verify EXPORT.json ROOT | ./mesh verify --receipt RECEIPT.json ROOT\n"
        + "  EXPORT: ExportSealedCycle's stream as JSON; RECEIPT: GetVoteReceipt's answer as JSON; ROOT: the seal's root in the cycle's results";

    public static int Run(string[] args)
    {
        if (args is ["--receipt", var receipt, var publishedRoot])
        {
            return CheckReceipt(receipt, publishedRoot);
        }
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
        var (matches, given, count, totals, removed) = SealedExport.Check(leaves, root);
        var computed = Convert.ToHexStringLower(given);
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

    /// <summary>
    /// Checks a receipt offline: its leaf, at its place, with its proof, gives the root published
    /// in the cycle's results (not merely the root the receipt itself names).
    /// </summary>
    private static int CheckReceipt(string file, string rootHex)
    {
        try
        {
            var root = Convert.FromHexString(rootHex);
            using var receipt = JsonDocument.Parse(File.ReadAllBytes(file));
            var leafMessage = receipt.RootElement.GetProperty("leaf");
            var text = leafMessage.GetProperty("text").GetString() ?? "";
            var leaf = TallyLeaf.Parse(text) ?? throw new InvalidDataException("the receipt's leaf is not of docs/verification.md's form");
            // proto3 JSON writes int64 as strings, and leaves out zeros.
            long Int64(JsonElement parent, string name) => parent.TryGetProperty(name, out var v) ? long.Parse(v.GetString()!, CultureInfo.InvariantCulture) : 0;
            var (index, count) = (Int64(leafMessage, "index"), Int64(receipt.RootElement.GetProperty("seal"), "leafCount"));
            var proof = receipt.RootElement.TryGetProperty("proof", out var p) ? p.EnumerateArray().Select(h => Convert.FromHexString(h.GetString()!)).ToList() : [];
            var verified = MerkleTree.Verifies(leaf.Hash(), index, count, proof, root);
            Console.WriteLine(verified
                ? $"VERIFIED: vote {leaf.VoteId:D} for idea {leaf.IdeaId:D} ({(leaf.IsCounted ? "counted" : "removed from the count: " + leaf.Removal)}) is leaf {index} of {count} under root {rootHex.ToLowerInvariant()}."
                : $"NOT VERIFIED: the receipt's leaf and proof do not give root {rootHex.ToLowerInvariant()}.");
            return verified ? 0 : 1;
        }
        catch (Exception e) when (e is FormatException or IOException or JsonException or InvalidDataException or KeyNotFoundException or InvalidOperationException)
        {
            Console.Error.WriteLine($"mesh verify: {e.Message}\n{Usage}");
            return 2;
        }
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
