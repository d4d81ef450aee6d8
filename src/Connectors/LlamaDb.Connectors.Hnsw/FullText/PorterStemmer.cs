namespace LlamaDb.Connectors.Hnsw.FullText;

/// <summary>
/// The Porter (1980) suffix-stripping stemmer, as published by Martin Porter in his reference implementation: the
/// paper's five steps plus the two documented departures of that implementation (step 2 rewrites <c>bli</c> to
/// <c>ble</c> instead of <c>abli</c> to <c>able</c>, and adds <c>logi</c> to <c>log</c>). Those departures are what
/// the published test vocabulary and Lucene's <c>PorterStemFilter</c> produce, so terms match Lucene/Anserini.
/// </summary>
/// <remarks>
/// Works in place on lowercase text; only ASCII vowels count as vowels, so any other character is a consonant.
/// Words of one or two characters are left alone, as in the reference implementation. Stateless and thread-safe.
/// </remarks>
internal static class PorterStemmer
{
    // Each step applies the rule with the longest matching suffix, and only that rule: if its condition fails the
    // step does nothing. Ordering the tables longest-first makes "first match" the longest match.
    private static readonly (string Suffix, string Replacement)[] s_step2 = SortedLongestFirst(
    [
        ("ational", "ate"), ("tional", "tion"), ("enci", "ence"), ("anci", "ance"), ("izer", "ize"),
        ("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous"),
        ("ization", "ize"), ("ation", "ate"), ("ator", "ate"), ("alism", "al"), ("iveness", "ive"),
        ("fulness", "ful"), ("ousness", "ous"), ("aliti", "al"), ("iviti", "ive"), ("biliti", "ble"),
        ("logi", "log"),
    ]);

    private static readonly (string Suffix, string Replacement)[] s_step3 = SortedLongestFirst(
    [
        ("icate", "ic"), ("ative", ""), ("alize", "al"), ("iciti", "ic"), ("ical", "ic"), ("ful", ""), ("ness", ""),
    ]);

    private static readonly (string Suffix, string Replacement)[] s_step4 = SortedLongestFirst(
    [
        ("al", ""), ("ance", ""), ("ence", ""), ("er", ""), ("ic", ""), ("able", ""), ("ible", ""), ("ant", ""),
        ("ement", ""), ("ment", ""), ("ent", ""), ("ion", ""), ("ou", ""), ("ism", ""), ("ate", ""), ("iti", ""),
        ("ous", ""), ("ive", ""), ("ize", ""),
    ]);

    /// <summary>Stems the lowercase word in <paramref name="word"/> in place.</summary>
    /// <returns>The length of the stem; the stem is <c>word[..length]</c> and never longer than the word.</returns>
    public static int Stem(Span<char> word)
    {
        if (word.Length <= 2)
        {
            return word.Length;
        }

        var state = new Word(word);
        state.Step1a();
        state.Step1b();
        state.Step1c();
        state.ApplyLongestRule(s_step2, minimumMeasure: 1);
        state.ApplyLongestRule(s_step3, minimumMeasure: 1);
        state.Step4();
        state.Step5();
        return state.Length;
    }

    private static (string Suffix, string Replacement)[] SortedLongestFirst((string Suffix, string Replacement)[] rules)
    {
        // Order among suffixes of equal length does not matter: two different ones cannot both end a word.
        (string Suffix, string Replacement)[] sorted = [.. rules];
        Array.Sort(sorted, static (x, y) => y.Suffix.Length.CompareTo(x.Suffix.Length));
        return sorted;
    }

    /// <summary>The word being stemmed: the buffer and the current end.</summary>
    private ref struct Word
    {
        private readonly Span<char> _chars;

        public Word(Span<char> chars)
        {
            _chars = chars;
            Length = chars.Length;
        }

        public int Length { get; private set; }

        public void Step1a()
        {
            if (EndsWith("sses") || EndsWith("ies"))
            {
                Length -= 2; // sses -> ss, ies -> i
            }
            else if (!EndsWith("ss") && EndsWith("s"))
            {
                Length--;
            }
        }

        public void Step1b()
        {
            if (EndsWith("eed"))
            {
                if (Measure(Length - 3) > 0)
                {
                    Length--; // eed -> ee
                }

                return;
            }

            int suffix = EndsWith("ed") ? 2 : EndsWith("ing") ? 3 : 0;
            if (suffix == 0 || !HasVowel(Length - suffix))
            {
                return;
            }

            Length -= suffix;
            if (EndsWith("at") || EndsWith("bl") || EndsWith("iz"))
            {
                Append('e');
            }
            else if (EndsWithDoubleConsonant(Length))
            {
                char last = _chars[Length - 1];
                if (last is not ('l' or 's' or 'z'))
                {
                    Length--;
                }
            }
            else if (Measure(Length) == 1 && EndsWithCvc(Length))
            {
                Append('e');
            }
        }

        public void Step1c()
        {
            if (EndsWith("y") && HasVowel(Length - 1))
            {
                _chars[Length - 1] = 'i';
            }
        }

        public void ApplyLongestRule((string Suffix, string Replacement)[] rules, int minimumMeasure)
        {
            foreach ((string suffix, string replacement) in rules)
            {
                if (EndsWith(suffix))
                {
                    int stem = Length - suffix.Length;
                    if (Measure(stem) >= minimumMeasure)
                    {
                        replacement.AsSpan().CopyTo(_chars[stem..]);
                        Length = stem + replacement.Length;
                    }

                    return;
                }
            }
        }

        public void Step4()
        {
            foreach ((string suffix, _) in s_step4)
            {
                if (EndsWith(suffix))
                {
                    int stem = Length - suffix.Length;
                    bool allowed = Measure(stem) > 1
                        && (suffix != "ion" || (stem > 0 && _chars[stem - 1] is 's' or 't'));
                    if (allowed)
                    {
                        Length = stem;
                    }

                    return;
                }
            }
        }

        public void Step5()
        {
            if (EndsWith("e"))
            {
                int measure = Measure(Length - 1);
                if (measure > 1 || (measure == 1 && !EndsWithCvc(Length - 1)))
                {
                    Length--;
                }
            }

            if (Length > 0 && _chars[Length - 1] == 'l' && EndsWithDoubleConsonant(Length) && Measure(Length) > 1)
            {
                Length--;
            }
        }

        private readonly bool EndsWith(string suffix) =>
            Length >= suffix.Length && _chars[(Length - suffix.Length)..Length].SequenceEqual(suffix);

        private void Append(char c)
        {
            // Only called after removing "ed" or "ing", so there is room.
            _chars[Length] = c;
            Length++;
        }

        private readonly bool IsConsonant(int index)
        {
            char c = _chars[index];
            return c switch
            {
                'a' or 'e' or 'i' or 'o' or 'u' => false,
                'y' => index == 0 || !IsConsonant(index - 1),
                _ => true,
            };
        }

        /// <summary>m in [C](VC)^m[V] for <c>_chars[..length]</c>.</summary>
        private readonly int Measure(int length)
        {
            int i = 0;
            while (i < length && IsConsonant(i))
            {
                i++;
            }

            int measure = 0;
            while (true)
            {
                while (i < length && !IsConsonant(i))
                {
                    i++;
                }

                if (i >= length)
                {
                    return measure;
                }

                while (i < length && IsConsonant(i))
                {
                    i++;
                }

                measure++;
            }
        }

        private readonly bool HasVowel(int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (!IsConsonant(i))
                {
                    return true;
                }
            }

            return false;
        }

        private readonly bool EndsWithDoubleConsonant(int length) =>
            length >= 2 && _chars[length - 1] == _chars[length - 2] && IsConsonant(length - 1);

        /// <summary>*o: consonant-vowel-consonant at the end, the last consonant not w, x or y.</summary>
        private readonly bool EndsWithCvc(int length) =>
            length >= 3
            && IsConsonant(length - 3) && !IsConsonant(length - 2) && IsConsonant(length - 1)
            && _chars[length - 1] is not ('w' or 'x' or 'y');
    }
}
