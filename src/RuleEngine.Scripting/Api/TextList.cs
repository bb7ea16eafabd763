namespace RuleEngine.Scripting.Api;

/// <summary>A read-only list of texts: a <c>string[]</c> field (several charges, several defendants) or a list parameter.</summary>
public readonly struct TextList : IEquatable<TextList>
{
    private readonly string[] _items;

    /// <summary>Initializes a new instance of the <see cref="TextList"/> struct over a copy of texts.</summary>
    /// <param name="items">The texts.</param>
    public TextList(IEnumerable<string> items) => _items = [.. items];

    internal TextList(string[] items) => _items = items;

    /// <summary>Gets the number of texts.</summary>
    public int Count => _items?.Length ?? 0;

    /// <summary>Gets the text at an index.</summary>
    /// <param name="index">The index.</param>
    /// <returns>The text.</returns>
    public string this[int index] => (_items ?? [])[index];

    /// <summary>Checks whether the list holds a text (ordinal comparison).</summary>
    /// <param name="text">The text.</param>
    /// <returns>Whether it is in the list.</returns>
    public bool Contains(string? text) => text is not null && Array.IndexOf(_items ?? [], text) >= 0;

    /// <summary>Checks whether any text of the list contains a piece of text.</summary>
    /// <param name="part">The piece of text.</param>
    /// <returns>Whether some text contains it.</returns>
    public bool AnyContains(string part)
    {
        foreach (string item in _items ?? [])
        {
            if (item.Contains(part, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Enumerates the texts (for <c>foreach</c>).</summary>
    /// <returns>The enumerator.</returns>
    public ReadOnlySpan<string>.Enumerator GetEnumerator() => new ReadOnlySpan<string>(_items).GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(TextList other) => ReferenceEquals(_items, other._items);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TextList other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _items?.GetHashCode() ?? 0;

    /// <inheritdoc/>
    public override string ToString() => string.Join(';', _items ?? []);

    /// <summary>Compares two lists by identity.</summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <returns>Whether they are the same list.</returns>
    public static bool operator ==(TextList left, TextList right) => left.Equals(right);

    /// <summary>Compares two lists by identity.</summary>
    /// <param name="left">The first list.</param>
    /// <param name="right">The second list.</param>
    /// <returns>Whether they are different lists.</returns>
    public static bool operator !=(TextList left, TextList right) => !left.Equals(right);
}
