using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Audit trails in <c>timeline_entries</c>; entries are only added.</summary>
public sealed class EfTimelineStore : ITimelineStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfTimelineStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task AddAsync(TimelineEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        db.Add(ToEntity(entry));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TimelineEntry>> ListAsync(string subjectId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<TimelineEntryEntity>().AsNoTracking()
            .Where(t => t.SubjectId == subjectId)
            .OrderBy(t => t.At).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(FromEntity)];
    }

    internal static TimelineEntryEntity ToEntity(TimelineEntry entry) => new()
    {
        Id = entry.Id,
        SubjectId = entry.SubjectId,
        At = Instants.ToUtc(entry.At),
        Actor = entry.Actor,
        Action = entry.Action,
        Summary = entry.Summary,
        InstanceId = entry.InstanceId,
        ActivityId = entry.ActivityId,
        ActivityName = entry.ActivityName,
        DataJson = entry.Data?.ToJsonString(),
    };

    private static TimelineEntry FromEntity(TimelineEntryEntity e) => new(
        e.Id,
        e.SubjectId,
        Instants.FromUtc(e.At),
        e.Actor,
        e.Action,
        e.Summary,
        e.InstanceId,
        e.ActivityId,
        e.ActivityName,
        e.DataJson is null ? null : JsonNode.Parse(e.DataJson)?.AsObject());
}
