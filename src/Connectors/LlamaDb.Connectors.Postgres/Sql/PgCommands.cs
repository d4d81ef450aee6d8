using Npgsql;

namespace LlamaDb.Connectors.Postgres.Sql;

/// <summary>One statement on an open connection: the command, its parameters and its disposal, written once.</summary>
internal static class PgCommands
{
    /// <summary>Runs a statement that returns no rows.</summary>
    public static async Task<bool> ExecuteAsync(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = Create(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>The first column of the first row; default when there is no row or it is null (use a nullable T then).</summary>
    public static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = Create(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is null or DBNull ? default! : (T)value; // default only for statements that may return no row (T nullable there)
        }
    }

    /// <summary>Reads every row with <paramref name="read"/>.</summary>
    public static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        NpgsqlCommand command = Create(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            var rows = new List<T>();
            NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(read(reader));
                }
            }

            return rows;
        }
    }

    /// <summary>
    /// The <c>COMMENT ON TABLE</c> statement setting <paramref name="comment"/>, built by the server (COMMENT takes no
    /// parameters; <c>format %L</c> quotes the text), or null when the table does not exist or, with
    /// <paramref name="onlyIfUnmarked"/>, already carries the collection marker.
    /// </summary>
    public static Task<string?> CommentStatementAsync(NpgsqlConnection connection, string qualifiedTable, string comment, bool onlyIfUnmarked, CancellationToken cancellationToken)
    {
        var parameters = new List<NpgsqlParameter> { new("table", qualifiedTable), new("comment", comment) };
        string sql = "SELECT format('COMMENT ON TABLE %s IS %L', t::text, @comment) FROM to_regclass(@table) AS t WHERE t IS NOT NULL";
        if (onlyIfUnmarked)
        {
            sql += " AND coalesce(split_part(obj_description(t, 'pg_class'), E'\\n', 1), '') <> @marker";
            parameters.Add(new NpgsqlParameter("marker", TableMapping.CommentMarker));
        }

        return ScalarAsync<string?>(connection, sql, parameters, cancellationToken);
    }

    /// <summary>
    /// A command with copies of <paramref name="parameters"/>: a retried operation builds a new command, and a parameter
    /// belongs to one command.
    /// </summary>
    private static NpgsqlCommand Create(NpgsqlConnection connection, string sql, IEnumerable<NpgsqlParameter> parameters)
    {
        NpgsqlCommand command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (NpgsqlParameter parameter in parameters)
        {
            command.Parameters.Add(parameter.Clone());
        }

        return command;
    }
}
