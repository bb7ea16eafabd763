using RuleEngine.Diagnostics;
using RuleEngine.Schema;

namespace RuleEngine.Yaml;

/// <summary>
/// A named value a model's conditions use as <c>$name</c> (a threshold, a window, a list of causes), with its type,
/// its default, its legal justification, and the values particular regions set.
/// </summary>
public sealed record ModelParameter
{
    /// <summary>Gets the parameter's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the type of the value, or of each item of a list.</summary>
    public required FieldType Type { get; init; }

    /// <summary>Gets a value indicating whether the parameter is a list (for <c>IN $name</c>).</summary>
    public bool IsList { get; init; }

    /// <summary>Gets the default value: <see cref="long"/>, <see cref="decimal"/>, <see cref="double"/>, <see cref="string"/>, <see cref="bool"/>, <see cref="DateOnly"/>, or an array of one of them.</summary>
    public required object? Default { get; init; }

    /// <summary>Gets why the value is what it is: the law, the local standard, the office's experience.</summary>
    public required string Justification { get; init; }

    /// <summary>Gets a description of the parameter.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the values set for particular regions, by 6-digit division code (a province, a prefecture or a county).</summary>
    public IReadOnlyDictionary<string, object?> RegionalValues { get; init; } = new Dictionary<string, object?>();

    /// <summary>Gets where the parameter is declared.</summary>
    public SourceLocation Location { get; init; }

    /// <summary>
    /// Gets the value for a region: the county's own value, else its prefecture's, else its province's, else the default.
    /// </summary>
    /// <param name="region">A 6-digit division code, or <see langword="null"/> for the default.</param>
    /// <returns>The value.</returns>
    public object? ValueFor(string? region)
    {
        if (region is { Length: 6 })
        {
            foreach (string code in new[] { region, region[..4] + "00", region[..2] + "0000" })
            {
                if (RegionalValues.TryGetValue(code, out object? value))
                {
                    return value;
                }
            }
        }

        return Default;
    }
}
