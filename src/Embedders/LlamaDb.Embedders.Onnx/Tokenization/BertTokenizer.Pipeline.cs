using System.Runtime.CompilerServices;
using System.Text;

namespace LlamaDb.Embedders.Onnx.Tokenization;

// The tokenizing pipeline: literal special tokens, BertNormalizer, BertPreTokenizer and WordPiece, streamed word by
// word into an id buffer. Normalization works per word; this matches normalizing the whole text first because
// canonical decomposition never crosses a starter (every ASCII character, space and CJK ideograph is one) and no
// step turns a character into whitespace or a CJK ideograph.
public sealed partial class BertTokenizer
{
    /// <summary>Appends the word-piece ids of <paramref name="text"/> (no <c>[CLS]</c>/<c>[SEP]</c>).</summary>
    private void AppendPieces(ReadOnlySpan<char> text, ref PooledBuffer<int> ids)
    {
        var word = new PooledBuffer<char>(64);
        var normalized = new PooledBuffer<char>(64);
        try
        {
            if (_specialTokens is null)
            {
                AppendSegment(text, ref ids, ref word, ref normalized);
                return;
            }

            // Special tokens are matched in the raw text before normalization, as Hugging Face does for added
            // tokens with normalized = false; the text between them is tokenized on its own.
            while (!text.IsEmpty)
            {
                int index = _specialTokens.Find(text, out int length, out int id);
                if (index < 0)
                {
                    AppendSegment(text, ref ids, ref word, ref normalized);
                    break;
                }

                AppendSegment(text[..index], ref ids, ref word, ref normalized);
                ids.Append(id);
                text = text[(index + length)..];
            }
        }
        finally
        {
            normalized.Dispose();
            word.Dispose();
        }
    }

    /// <summary>Cleans the text, splits it on whitespace and around CJK ideographs, and tokenizes each word.</summary>
    private void AppendSegment(ReadOnlySpan<char> text, ref PooledBuffer<int> ids,
        ref PooledBuffer<char> word, ref PooledBuffer<char> normalized)
    {
        word.Clear();
        bool ascii = true;
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c < 0x80)
            {
                i++;
                if (_cleanText && BertCharacters.IsRemovedByCleanText(c))
                {
                    continue;
                }

                if (BertCharacters.IsWhitespace(c))
                {
                    AppendWord(ref word, ref ascii, ref ids, ref normalized);
                    continue;
                }

                word.Append(c);
                continue;
            }

            int codePoint;
            int width = 1;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(c, text[i + 1]);
                width = 2;
            }
            else if (char.IsSurrogate(c))
            {
                // A lone surrogate is not a character; read it as U+FFFD like a UTF-8 transcoder would.
                codePoint = 0xFFFD;
            }
            else
            {
                codePoint = c;
            }

            i += width;
            if (_cleanText && BertCharacters.IsRemovedByCleanText(codePoint))
            {
                continue;
            }

            if (BertCharacters.IsWhitespace(codePoint))
            {
                AppendWord(ref word, ref ascii, ref ids, ref normalized);
                continue;
            }

            bool chinese = _tokenizeChineseChars && BertCharacters.IsChinese(codePoint);
            if (chinese)
            {
                AppendWord(ref word, ref ascii, ref ids, ref normalized);
            }

            if (width == 1)
            {
                word.Append((char)codePoint); // the character itself, or U+FFFD for a lone surrogate
            }
            else
            {
                word.Append(text.Slice(i - 2, 2));
            }

            ascii = false;
            if (chinese)
            {
                AppendWord(ref word, ref ascii, ref ids, ref normalized);
            }
        }

        AppendWord(ref word, ref ascii, ref ids, ref normalized);
    }

    /// <summary>Normalizes the collected word, splits it around punctuation and appends its pieces; then clears it.</summary>
    private void AppendWord(ref PooledBuffer<char> word, ref bool ascii, ref PooledBuffer<int> ids,
        ref PooledBuffer<char> normalized)
    {
        if (word.Count == 0)
        {
            return;
        }

        if (ascii)
        {
            Span<char> chars = word.Span;
            if (_lowerCase)
            {
                LowerAscii(chars);
            }

            AppendAsciiWord(chars, ref ids);
        }
        else
        {
            Normalize(word.Span, ref normalized);
            AppendUnicodeWord(normalized.Span, ref ids);
        }

        word.Clear();
        ascii = true;
    }

    private static void LowerAscii(Span<char> chars)
    {
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (char.IsAsciiLetterUpper(c))
            {
                chars[i] = (char)(c | 0x20);
            }
        }
    }

    /// <summary>Splits an ASCII word around punctuation (each punctuation character is a word) and appends the pieces.</summary>
    private void AppendAsciiWord(ReadOnlySpan<char> chars, ref PooledBuffer<int> ids)
    {
        int start = 0;
        for (int i = 0; i < chars.Length; i++)
        {
            if (BertCharacters.IsAsciiPunctuation(chars[i]))
            {
                if (i > start)
                {
                    AppendWordPieces(chars[start..i], ref ids);
                }

                AppendWordPieces(chars.Slice(i, 1), ref ids);
                start = i + 1;
            }
        }

        if (start < chars.Length)
        {
            AppendWordPieces(chars[start..], ref ids);
        }
    }

    /// <summary>Splits a normalized word around punctuation (ASCII or any Unicode P* category) and appends the pieces.</summary>
    private void AppendUnicodeWord(ReadOnlySpan<char> chars, ref PooledBuffer<int> ids)
    {
        int start = 0;
        int i = 0;
        while (i < chars.Length)
        {
            int width = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]) ? 2 : 1;
            int codePoint = width == 2 ? char.ConvertToUtf32(chars[i], chars[i + 1]) : chars[i];
            if (BertCharacters.IsPunctuation(codePoint))
            {
                if (i > start)
                {
                    AppendWordPieces(chars[start..i], ref ids);
                }

                AppendWordPieces(chars.Slice(i, width), ref ids);
                start = i + width;
            }

            i += width;
        }

        if (start < chars.Length)
        {
            AppendWordPieces(chars[start..], ref ids);
        }
    }

    /// <summary>
    /// Accent stripping (NFD, then drop Mn) and lowercasing of a word with non-ASCII characters, in the order of
    /// <c>BertNormalizer</c>: strip first, lowercase second.
    /// </summary>
    private void Normalize(ReadOnlySpan<char> word, ref PooledBuffer<char> normalized)
    {
        normalized.Clear();
        if (!_stripAccents)
        {
            if (!_lowerCase)
            {
                normalized.Append(word);
                return;
            }

            // Lowercase may lengthen the text (U+0130), so write to the other buffer.
            int i = 0;
            while (i < word.Length)
            {
                i += AppendLower(word, i, ref normalized);
            }

            return;
        }

        // Canonical decomposition: from the per-character cache when possible, else the full normalizer, whose
        // buffer grows until it is large enough (expansion is bounded, a few times).
        int written;
        if (CanonicalDecomposition.TryDecompose(word, ref normalized))
        {
            written = normalized.Count;
        }
        else
        {
            int capacity = (word.Length * 3) + 8;
            while (!word.TryNormalize(normalized.GetWritableSpan(capacity), out written, NormalizationForm.FormD))
            {
                capacity *= 2;
            }
        }

        // Drop non-spacing marks and lowercase, in place: after NFD no character lowercases to more characters.
        Span<char> chars = normalized.GetWritableSpan(written)[..written];
        int read = 0;
        int write = 0;
        while (read < chars.Length)
        {
            char c = chars[read];
            if (c < 0x80)
            {
                chars[write++] = _lowerCase && char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
                read++;
                continue;
            }

            if (char.IsHighSurrogate(c) && read + 1 < chars.Length && char.IsLowSurrogate(chars[read + 1]))
            {
                var rune = new Rune(c, chars[read + 1]);
                read += 2;
                if (BertCharacters.IsNonSpacingMark(rune.Value))
                {
                    continue;
                }

                if (_lowerCase)
                {
                    rune = Rune.ToLowerInvariant(rune);
                }

                write += rune.EncodeToUtf16(chars[write..]);
                continue;
            }

            read++;
            if (BertCharacters.IsNonSpacingMark(c))
            {
                continue;
            }

            chars[write++] = _lowerCase ? char.ToLowerInvariant(c) : c;
        }

        normalized.SetCount(write);
    }

    /// <summary>Appends the lowercase of the character at <paramref name="index"/>; returns how many UTF-16 units it read.</summary>
    private static int AppendLower(ReadOnlySpan<char> text, int index, ref PooledBuffer<char> output)
    {
        char c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            Rune lower = Rune.ToLowerInvariant(new Rune(c, text[index + 1]));
            Span<char> units = stackalloc char[2];
            output.Append(units[..lower.EncodeToUtf16(units)]);
            return 2;
        }

        if (c == '\u0130')
        {
            // Rust's char::to_lowercase applies the one unconditional multi-character mapping: İ -> i + U+0307.
            output.Append('i');
            output.Append('\u0307');
        }
        else
        {
            output.Append(char.ToLowerInvariant(c));
        }

        return 1;
    }

    /// <summary>
    /// WordPiece: greedy longest-match-first from the start of the word, continuation pieces looked up without their
    /// prefix. A word longer than <see cref="BertTokenizerOptions.MaxInputCharsPerWord"/> code points, or one with a
    /// part no piece matches, becomes a single unknown token.
    /// </summary>
    private void AppendWordPieces(ReadOnlySpan<char> word, ref PooledBuffer<int> ids)
    {
        if (word.Length > _maxInputCharsPerWord && CountCodePoints(word) > _maxInputCharsPerWord)
        {
            ids.Append(UnknownId);
            return;
        }

        int firstPiece = ids.Count;
        int start = 0;
        while (start < word.Length)
        {
            bool continuation = start > 0;
            int longest = continuation ? _vocabulary.MaxContinuationLength : _vocabulary.MaxTokenLength;
            int end = start + Math.Min(word.Length - start, longest);
            if (end < word.Length && end > start && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1]))
            {
                end--; // never cut a surrogate pair
            }

            int id = -1;
            while (end > start)
            {
                ReadOnlySpan<char> piece = word[start..end];
                if (continuation
                        ? _vocabulary.TryGetContinuationId(piece, out int found)
                        : _vocabulary.TryGetId(piece, out found))
                {
                    id = found;
                    break;
                }

                end -= end - start >= 2 && char.IsLowSurrogate(word[end - 1]) && char.IsHighSurrogate(word[end - 2]) ? 2 : 1;
            }

            if (id < 0)
            {
                ids.SetCount(firstPiece);
                ids.Append(UnknownId);
                return;
            }

            ids.Append(id);
            start = end;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int CountCodePoints(ReadOnlySpan<char> word)
    {
        int count = word.Length;
        for (int i = 1; i < word.Length; i++)
        {
            if (char.IsLowSurrogate(word[i]) && char.IsHighSurrogate(word[i - 1]))
            {
                count--;
            }
        }

        return count;
    }
}
