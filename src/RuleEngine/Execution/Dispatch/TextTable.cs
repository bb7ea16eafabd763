namespace RuleEngine.Execution.Dispatch;

/// <summary>
/// A read-only hash table from the few dozen texts an index names (causes, courts, regions) to their positions, built for
/// the one lookup per record and field that the dispatch makes. The hash reads only the length and two characters
/// (positions chosen at build, from either end, so that the names spread), and a slot is confirmed by an ordinal
/// comparison of the whole text: the answer is exact whatever the hash does, and a lookup costs a handful of
/// nanoseconds instead of hashing every character. When no choice of positions spreads the names, every character is
/// hashed.
/// </summary>
internal sealed class TextTable
{
    /// <summary>Positions tried: a non-negative number counts from the start, a negative one from the end (-1 is the last character).</summary>
    private static readonly (int First, int Second)[] Choices =
        [(-1, -2), (-1, 0), (-1, -3), (0, 1), (-2, -3), (-1, 1), (0, -2), (1, 2), (-1, -4), (2, -2)];

    private readonly string?[] _keys;
    private readonly uint[] _hashes;
    private readonly int[] _positions;
    private readonly int _mask;
    private readonly int _first;
    private readonly int _second;
    private readonly bool _whole;

    /// <summary>Builds the table of <paramref name="keys"/>, distinct texts each found at its position in the list.</summary>
    public TextTable(IReadOnlyList<string> keys)
    {
        Count = keys.Count;
        // A quarter full: a text that is not there (most records' values) usually meets an empty slot at once.
        int size = 16;
        while (size < 4 * keys.Count)
        {
            size <<= 1;
        }

        _mask = size - 1;
        _keys = new string?[size];
        _hashes = new uint[size];
        _positions = new int[size];

        // The positions whose hash leaves the fewest names out of their own slot.
        int best = int.MaxValue;
        foreach ((int first, int second) in Choices)
        {
            int displaced = Displaced(keys, first, second, whole: false);
            if (displaced < best)
            {
                (best, _first, _second) = (displaced, first, second);
            }
        }

        // A table half full leaves about a fifth of the names displaced by chance; half of them displaced is the positions failing.
        _whole = best > keys.Count / 2 && Displaced(keys, 0, 0, whole: true) < best;
        for (int position = 0; position < keys.Count; position++)
        {
            string key = keys[position];
            uint hash = HashOf(key);
            int slot = (int)hash & _mask;
            while (_keys[slot] is not null)
            {
                slot = (slot + 1) & _mask;
            }

            _keys[slot] = key;
            _hashes[slot] = hash;
            _positions[slot] = position;
        }
    }

    /// <summary>Gets how many texts the table holds.</summary>
    public int Count { get; }

    /// <summary>Gets whether every character is hashed (no two positions spread the names), for tests.</summary>
    public bool HashesWholeText => _whole;

    /// <summary>Finds the position of <paramref name="text"/> among the keys, or -1.</summary>
    public int IndexOf(string text)
    {
        string?[] keys = _keys;
        uint hash = HashOf(text);
        for (int slot = (int)hash & _mask; keys[slot] is { } key; slot = (slot + 1) & _mask)
        {
            // The whole hash first: a text that is not there is told apart without reading its characters again.
            if (_hashes[slot] == hash && string.Equals(key, text, StringComparison.Ordinal))
            {
                return _positions[slot];
            }
        }

        return -1;
    }

    private uint HashOf(string text) => _whole ? Whole(text) : Hash(text, _first, _second);

    private int Displaced(IReadOnlyList<string> keys, int first, int second, bool whole)
    {
        var taken = new bool[_mask + 1];
        int displaced = 0;
        foreach (string key in keys)
        {
            int slot = (int)(whole ? Whole(key) : Hash(key, first, second)) & _mask;
            if (taken[slot])
            {
                displaced++;
                while (taken[slot])
                {
                    slot = (slot + 1) & _mask;
                }
            }

            taken[slot] = true;
        }

        return displaced;
    }

    private static uint Hash(string text, int first, int second)
    {
        int length = text.Length;
        if (length == 0)
        {
            return 0;
        }

        uint hash = (uint)length * 0x9E3779B1u;
        hash = (hash ^ At(text, first)) * 0x85EBCA77u;
        hash = (hash ^ At(text, second)) * 0xC2B2AE3Du;
        return hash ^ (hash >> 15);
    }

    /// <summary>The character at a position counted from the start (0, 1, …) or the end (-1, -2, …), clamped to the text.</summary>
    private static char At(string text, int position) =>
        text[position >= 0 ? Math.Min(position, text.Length - 1) : Math.Max(text.Length + position, 0)];

    private static uint Whole(string text)
    {
        uint hash = 0x9E3779B1u;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 0x85EBCA77u;
        }

        return hash ^ (hash >> 15);
    }
}
