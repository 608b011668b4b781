using System.Globalization;
using System.Text.Json.Nodes;

namespace ChangeFlow.Testing;

/// <summary>Moves a dossier in its JSON contract form in time.</summary>
public static class DossierInstants
{
    /// <summary>
    /// Adds <paramref name="shift"/> to every instant under <paramref name="node"/> (any string value of the form
    /// <c>yyyy-MM-ddThh:mm:ss…</c>): every instant moves together, so the plan stays consistent with its window.
    /// </summary>
    public static void Shift(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && text.Length >= 20 && text[4] == '-' && text[10] == 'T'
                        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
                    {
                        obj[name] = JsonValue.Create(at.Add(shift));
                    }
                    else
                    {
                        Shift(child, shift);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Shift(child, shift);
                }

                break;
        }
    }
}
