using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// One plain SQL command on one entity's table, for the statements EF Core cannot express or translates too slowly
/// (claims with <c>RETURNING</c> and <c>SKIP LOCKED</c>, per-message marks): table and column names are quoted from
/// the model and parameters typed by the mapped property, as <see cref="ModelSql"/> does for the run commits.
/// </summary>
internal sealed class ModelCommand<TEntity> : IAsyncDisposable
{
    private const string PostgreSqlProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    private readonly ISqlGenerationHelper _sql;
    private readonly IEntityType _entity;

    private ModelCommand(DbContext db, DbCommand command)
    {
        _sql = db.GetService<ISqlGenerationHelper>();
        _entity = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        Command = command;
        Table = _sql.DelimitIdentifier(_entity.GetTableName()!, _entity.GetSchema());
        IsPostgreSql = string.Equals(db.Database.ProviderName, PostgreSqlProvider, StringComparison.Ordinal);
        if (db.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }
    }

    /// <summary>The command (its text is the caller's).</summary>
    public DbCommand Command { get; }

    /// <summary>The entity's table, quoted.</summary>
    public string Table { get; }

    /// <summary>Whether the database is PostgreSQL (<c>SKIP LOCKED</c> exists there).</summary>
    public bool IsPostgreSql { get; }

    /// <summary>A command on <paramref name="db"/>'s connection (opened if need be, and left open like EF Core leaves it).</summary>
    public static async Task<ModelCommand<TEntity>> CreateAsync(DbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        return new ModelCommand<TEntity>(db, connection.CreateCommand());
    }

    /// <summary>The quoted column of <paramref name="property"/>.</summary>
    public string Column(string property) => _sql.DelimitIdentifier(Property(property).GetColumnName());

    /// <summary>Adds <paramref name="value"/> as a parameter typed like <paramref name="property"/>; returns its placeholder.</summary>
    public string Parameter(string property, object? value)
    {
        var name = "p" + Command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mapped = Property(property);
        Command.Parameters.Add(mapped.GetRelationalTypeMapping().CreateParameter(Command, name, value, mapped.IsNullable));
        return _sql.GenerateParameterNamePlaceholder(name);
    }

    /// <summary>Adds a row limit as an integer parameter; returns its placeholder.</summary>
    public string Limit(int take)
    {
        var limit = Command.CreateParameter();
        limit.ParameterName = "plimit";
        limit.DbType = DbType.Int32;
        limit.Value = take;
        Command.Parameters.Add(limit);
        return _sql.GenerateParameterNamePlaceholder("plimit");
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Command.DisposeAsync();

    private IProperty Property(string name) =>
        _entity.FindProperty(name) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has no property {name}.");
}
