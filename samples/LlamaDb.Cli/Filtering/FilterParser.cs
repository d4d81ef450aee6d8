using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using LlamaDb.Retrieval;

namespace LlamaDb.Cli.Filtering;

/// <summary>
/// Parses the small <c>--filter</c> language into an <see cref="Expression{TDelegate}"/> over <see cref="ChunkRecord"/>
/// that the store translates; nothing is compiled or evaluated as code.
/// </summary>
/// <remarks>
/// <code>
/// expr       := or
/// or         := and (("or" | "||") and)*
/// and        := unary (("and" | "&amp;&amp;") unary)*
/// unary      := ("not" | "!") unary | "(" expr ")" | comparison
/// comparison := field ("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") value
///             | field ["not"] "in" "[" value ("," value)* "]"
///             | field "contains" string
/// value      := "string" | 'string' | integer
/// </code>
/// Fields (case-insensitive): <c>source</c>, <c>documentId</c>, <c>id</c>, <c>title</c>, <c>headingPath</c>, <c>text</c>
/// (strings), <c>chunkIndex</c>, <c>tokenCount</c>, <c>startOffset</c>, <c>endOffset</c> (integers). Strings compare with
/// <c>==</c>, <c>!=</c>, <c>in</c> and <c>contains</c>; integers with every comparison and <c>in</c>.
/// </remarks>
internal static class FilterParser
{
    /// <summary>The deepest nesting of parentheses and <c>not</c> a filter may have.</summary>
    public const int MaxNesting = 64;

    private static readonly Dictionary<string, PropertyInfo> s_fields = CreateFields();
    private static readonly MethodInfo s_stringContains = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!; // exists on string
    private static readonly MethodInfo s_enumerableContains = typeof(Enumerable).GetMethods()
        .Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2);

    /// <summary>The field names the language knows, as written in help and errors.</summary>
    public static string FieldNames { get; } = "source, documentId, id, title, headingPath, text, chunkIndex, tokenCount, startOffset, endOffset";

    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="FilterSyntaxException">The text does not parse; the message names the offending token.</exception>
    public static Expression<Func<ChunkRecord, bool>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parser = new Parser(Tokenize(text));
        ParameterExpression record = Expression.Parameter(typeof(ChunkRecord), "r");
        Expression body = parser.ParseExpression(record);
        parser.ExpectEnd();
        return Expression.Lambda<Func<ChunkRecord, bool>>(body, record);
    }

    private static Dictionary<string, PropertyInfo> CreateFields()
    {
        var fields = new Dictionary<string, PropertyInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in (string[])["Source", "DocumentId", "Id", "Title", "HeadingPath", "Text", "ChunkIndex", "TokenCount", "StartOffset", "EndOffset"])
        {
            fields[name] = typeof(ChunkRecord).GetProperty(name)!; // every name is a ChunkRecord property
        }

        fields["chunkId"] = fields["Id"];
        return fields;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int start = i;
            if (c is '"' or '\'')
            {
                var value = new StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw new FilterSyntaxException($"Invalid --filter: the string starting at position {start + 1} is not closed (missing {c}).");
                    }

                    char d = text[i];
                    if (d == '\\' && i + 1 < text.Length)
                    {
                        value.Append(text[i + 1]);
                        i += 2;
                        continue;
                    }

                    i++;
                    if (d == c)
                    {
                        break;
                    }

                    value.Append(d);
                }

                tokens.Add(new Token(TokenKind.String, value.ToString(), text[start..i], start));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Number, text[start..i], text[start..i], start));
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                string word = text[start..i];
                TokenKind kind = word.ToLowerInvariant() switch
                {
                    "and" => TokenKind.And,
                    "or" => TokenKind.Or,
                    "not" => TokenKind.Not,
                    "in" => TokenKind.In,
                    "contains" => TokenKind.Contains,
                    _ => TokenKind.Identifier,
                };
                tokens.Add(new Token(kind, word, word, start));
                continue;
            }

            string two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
            (TokenKind Kind, int Length)? symbol = two switch
            {
                "==" => (TokenKind.Equal, 2),
                "!=" => (TokenKind.NotEqual, 2),
                "<=" => (TokenKind.LessOrEqual, 2),
                ">=" => (TokenKind.GreaterOrEqual, 2),
                "&&" => (TokenKind.And, 2),
                "||" => (TokenKind.Or, 2),
                _ => c switch
                {
                    '<' => (TokenKind.Less, 1),
                    '>' => (TokenKind.Greater, 1),
                    '!' => (TokenKind.Not, 1),
                    '(' => (TokenKind.OpenParen, 1),
                    ')' => (TokenKind.CloseParen, 1),
                    '[' => (TokenKind.OpenBracket, 1),
                    ']' => (TokenKind.CloseBracket, 1),
                    ',' => (TokenKind.Comma, 1),
                    _ => null,
                },
            };
            if (symbol is not { } s)
            {
                string hint = c == '=' ? " (use == to compare)" : c == '&' ? " (use and or &&)" : c == '|' ? " (use or or ||)" : string.Empty;
                throw new FilterSyntaxException($"Invalid --filter: unexpected character '{c}' at position {start + 1}{hint}.");
            }

            i += s.Length;
            tokens.Add(new Token(s.Kind, text[start..i], text[start..i], start));
        }

        tokens.Add(new Token(TokenKind.End, string.Empty, "end of filter", text.Length));
        return tokens;
    }

    private enum TokenKind
    {
        Identifier,
        String,
        Number,
        And,
        Or,
        Not,
        In,
        Contains,
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        OpenParen,
        CloseParen,
        OpenBracket,
        CloseBracket,
        Comma,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Value, string Text, int Position)
    {
        public string Describe() => Kind == TokenKind.End ? "the end of the filter" : $"'{Text}' at position {Position + 1}";
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int _next;
        private int _depth;

        private Token Current => tokens[_next];

        public Expression ParseExpression(ParameterExpression record)
        {
            Expression left = ParseAnd(record);
            while (Current.Kind == TokenKind.Or)
            {
                _next++;
                left = Expression.OrElse(left, ParseAnd(record));
            }

            return left;
        }

        public void ExpectEnd()
        {
            if (Current.Kind != TokenKind.End)
            {
                throw Error("'and', 'or' or the end of the filter");
            }
        }

        private Expression ParseAnd(ParameterExpression record)
        {
            Expression left = ParseUnary(record);
            while (Current.Kind == TokenKind.And)
            {
                _next++;
                left = Expression.AndAlso(left, ParseUnary(record));
            }

            return left;
        }

        private Expression ParseUnary(ParameterExpression record)
        {
            switch (Current.Kind)
            {
                case TokenKind.Not:
                {
                    Enter();
                    _next++;
                    Expression operand = ParseUnary(record);
                    _depth--;
                    return Expression.Not(operand);
                }

                case TokenKind.OpenParen:
                {
                    Enter();
                    _next++;
                    Expression inner = ParseExpression(record);
                    Expect(TokenKind.CloseParen, "')'");
                    _depth--;
                    return inner;
                }

                default:
                    return ParseComparison(record);
            }
        }

        private Expression ParseComparison(ParameterExpression record)
        {
            Token fieldToken = Current;
            if (fieldToken.Kind != TokenKind.Identifier)
            {
                throw Error($"a field ({FieldNames}), 'not' or '('");
            }

            if (!s_fields.TryGetValue(fieldToken.Value, out PropertyInfo? property))
            {
                throw new FilterSyntaxException($"Invalid --filter: unknown field {fieldToken.Describe()}; fields are {FieldNames}.");
            }

            _next++;
            MemberExpression member = Expression.Property(record, property);
            bool isString = property.PropertyType == typeof(string);
            Token op = Current;
            switch (op.Kind)
            {
                case TokenKind.Equal:
                case TokenKind.NotEqual:
                {
                    _next++;
                    ConstantExpression value = ParseValue(property, fieldToken);
                    return op.Kind == TokenKind.Equal ? Expression.Equal(member, value) : Expression.NotEqual(member, value);
                }

                case TokenKind.Less:
                case TokenKind.LessOrEqual:
                case TokenKind.Greater:
                case TokenKind.GreaterOrEqual:
                {
                    if (isString)
                    {
                        throw new FilterSyntaxException($"Invalid --filter: {op.Describe()} compares numbers, but '{fieldToken.Text}' is text; use ==, !=, in or contains.");
                    }

                    _next++;
                    ConstantExpression value = ParseValue(property, fieldToken);
                    return op.Kind switch
                    {
                        TokenKind.Less => Expression.LessThan(member, value),
                        TokenKind.LessOrEqual => Expression.LessThanOrEqual(member, value),
                        TokenKind.Greater => Expression.GreaterThan(member, value),
                        _ => Expression.GreaterThanOrEqual(member, value),
                    };
                }

                case TokenKind.Not when tokens[_next + 1].Kind == TokenKind.In:
                    _next++;
                    return Expression.Not(ParseIn(member, property, fieldToken));
                case TokenKind.In:
                    return ParseIn(member, property, fieldToken);
                case TokenKind.Contains:
                {
                    if (!isString)
                    {
                        throw new FilterSyntaxException($"Invalid --filter: {op.Describe()} needs a text field, but '{fieldToken.Text}' is a number.");
                    }

                    _next++;
                    ConstantExpression value = ParseValue(property, fieldToken);
                    return Expression.Call(member, s_stringContains, value);
                }

                default:
                    throw Error("an operator (==, !=, <, <=, >, >=, in, not in, contains)");
            }
        }

        private Expression ParseIn(MemberExpression member, PropertyInfo property, Token fieldToken)
        {
            Expect(TokenKind.In, "'in'");
            Expect(TokenKind.OpenBracket, "'[' (a list such as [\"a\", \"b\"])");
            var values = new List<object?>();
            if (Current.Kind != TokenKind.CloseBracket)
            {
                while (true)
                {
                    values.Add(ParseValue(property, fieldToken).Value);
                    if (Current.Kind == TokenKind.Comma)
                    {
                        _next++;
                        continue;
                    }

                    break;
                }
            }

            Expect(TokenKind.CloseBracket, "',' or ']'");
            Array array = Array.CreateInstance(property.PropertyType, values.Count);
            for (int i = 0; i < values.Count; i++)
            {
                array.SetValue(values[i], i);
            }

            MethodInfo contains = s_enumerableContains.MakeGenericMethod(property.PropertyType);
            return Expression.Call(contains, Expression.Constant(array), member);
        }

        private ConstantExpression ParseValue(PropertyInfo property, Token fieldToken)
        {
            Token token = Current;
            if (property.PropertyType == typeof(string))
            {
                if (token.Kind != TokenKind.String)
                {
                    throw new FilterSyntaxException($"Invalid --filter: expected a quoted string for '{fieldToken.Text}' but found {token.Describe()}.");
                }

                _next++;
                return Expression.Constant(token.Value, typeof(string));
            }

            if (token.Kind != TokenKind.Number || !int.TryParse(token.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int number))
            {
                throw new FilterSyntaxException($"Invalid --filter: expected an integer for '{fieldToken.Text}' but found {token.Describe()}.");
            }

            _next++;
            return Expression.Constant(number, typeof(int));
        }

        private void Expect(TokenKind kind, string what)
        {
            if (Current.Kind != kind)
            {
                throw Error(what);
            }

            _next++;
        }

        /// <summary>Bounds the recursion: deeper filters would overflow the stack instead of failing with a message.</summary>
        private void Enter()
        {
            if (++_depth > MaxNesting)
            {
                throw new FilterSyntaxException($"Invalid --filter: parentheses and 'not' nest deeper than {MaxNesting} levels (the limit) at position {Current.Position + 1}.");
            }
        }

        private FilterSyntaxException Error(string expected) =>
            new($"Invalid --filter: unexpected {Current.Describe()}; expected {expected}.");
    }
}
