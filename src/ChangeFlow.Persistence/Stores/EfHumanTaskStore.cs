using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Human tasks in <c>human_tasks</c>. Activities create and close them through run writes; reassignment updates them
/// here. Closing an open task or giving it to someone else cancels its pending outbox messages
/// (<see cref="TaskCorrelation"/>) in the same transaction, by either path.
/// </summary>
public sealed class EfHumanTaskStore : IHumanTaskStore
{
    private static readonly string Open = nameof(HumanTaskStatus.Open);

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfHumanTaskStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<HumanTask?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<HumanTaskEntity>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        return row is null ? null : FromEntity(row);
    }

    /// <inheritdoc />
    public async Task<Page<HumanTask>> ListAsync(HumanTaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Set<HumanTaskEntity>().AsNoTracking();
        if (query.AssigneeUserId is not null)
        {
            rows = rows.Where(t => t.AssigneeUserId == query.AssigneeUserId);
        }

        if (query.Status is { } status)
        {
            var text = status.ToString();
            rows = rows.Where(t => t.Status == text);
        }

        if (query.SubjectId is not null)
        {
            rows = rows.Where(t => t.SubjectId == query.SubjectId);
        }

        if (query.GroupId is not null)
        {
            rows = rows.Where(t => t.GroupId == query.GroupId);
        }

        var total = await rows.CountAsync(cancellationToken);
        // Open tasks first, soonest due first and undated ones after them; then the rest, newest first. The CASE
        // expressions keep NULL ordering out of it, which differs between the providers.
        var items = await rows
            .OrderBy(t => t.Status == Open ? 0 : 1)
            .ThenBy(t => t.Status == Open && t.DueAt == null ? 1 : 0)
            .ThenBy(t => t.Status == Open ? t.DueAt : null)
            .ThenByDescending(t => t.CreatedAt)
            .ThenBy(t => t.Id)
            .Skip(Math.Max(0, query.Skip))
            .Take(Math.Max(0, query.Take))
            .ToListAsync(cancellationToken);
        return new Page<HumanTask>([.. items.Select(FromEntity)], total, query.Skip, query.Take);
    }

    /// <inheritdoc />
    public async Task UpdateAsync(HumanTask task, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var entity = ToEntity(task);
        entity.Version = expectedVersion + 1;
        await VersionedUpdate.SaveAsync(_factory, entity, x => x.Version, expectedVersion, $"The task {task.Id}", cancellationToken, async (db, ct) =>
        {
            // An open task that is closed or handed to someone else takes its unsent messages (request, reminder) with it.
            var assignee = await db.Set<HumanTaskEntity>().AsNoTracking()
                .Where(t => t.Id == task.Id && t.Status == Open).Select(t => t.AssigneeUserId).FirstOrDefaultAsync(ct);
            if (assignee is not null && (task.Status != HumanTaskStatus.Open || assignee != task.AssigneeUserId))
            {
                await EfOutbox.CancelAsync(db, TaskCorrelation.For(task.Id), null, ct);
            }
        });
    }

    internal static HumanTaskEntity ToEntity(HumanTask task) => new()
    {
        Id = task.Id,
        GroupId = task.GroupId,
        InstanceId = task.InstanceId,
        ActivityId = task.ActivityId,
        SubjectKind = task.SubjectKind,
        SubjectId = task.SubjectId,
        Kind = task.Kind,
        Title = task.Title,
        Description = task.Description,
        AssigneeUserId = task.AssigneeUserId,
        AssignedVia = task.AssignedVia,
        OutcomesJson = JsonSerializer.Serialize(task.Outcomes),
        CommentRequiredForJson = JsonSerializer.Serialize(task.CommentRequiredFor),
        ExcludedUserIdsJson = JsonSerializer.Serialize(task.ExcludedUserIds),
        Status = task.Status.ToString(),
        Outcome = task.Outcome,
        Comment = task.Comment,
        CompletedBy = task.CompletedBy,
        DueAt = Instants.ToUtc(task.DueAt),
        CreatedAt = Instants.ToUtc(task.CreatedAt),
        CompletedAt = Instants.ToUtc(task.CompletedAt),
        DataJson = task.Data?.ToJsonString(),
        Version = task.Version,
    };

    internal static HumanTask FromEntity(HumanTaskEntity e) => new()
    {
        Id = e.Id,
        GroupId = e.GroupId,
        InstanceId = e.InstanceId,
        ActivityId = e.ActivityId,
        SubjectKind = e.SubjectKind,
        SubjectId = e.SubjectId,
        Kind = e.Kind,
        Title = e.Title,
        Description = e.Description,
        AssigneeUserId = e.AssigneeUserId,
        AssignedVia = e.AssignedVia,
        Outcomes = JsonSerializer.Deserialize<string[]>(e.OutcomesJson) ?? [],
        CommentRequiredFor = JsonSerializer.Deserialize<string[]>(e.CommentRequiredForJson) ?? [],
        ExcludedUserIds = JsonSerializer.Deserialize<string[]>(e.ExcludedUserIdsJson) ?? [],
        Status = Enum.Parse<HumanTaskStatus>(e.Status),
        Outcome = e.Outcome,
        Comment = e.Comment,
        CompletedBy = e.CompletedBy,
        DueAt = Instants.FromUtc(e.DueAt),
        CreatedAt = Instants.FromUtc(e.CreatedAt),
        CompletedAt = Instants.FromUtc(e.CompletedAt),
        Data = e.DataJson is null ? null : JsonNode.Parse(e.DataJson)?.AsObject(),
        Version = e.Version,
    };
}
