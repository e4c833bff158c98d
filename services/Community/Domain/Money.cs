using System.Globalization;

namespace ConductorMesh.Community.Domain;

public static class Money
{
    /// <summary>An amount in minor units as people read it: 500000 USD is "5,000.00 USD".</summary>
    public static string Format(long amountMinor, string currency) =>
        $"{(amountMinor / 100m).ToString("N2", CultureInfo.InvariantCulture)} {currency}";
}
