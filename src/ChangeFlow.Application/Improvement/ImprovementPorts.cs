using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Improvement;

namespace ChangeFlow.Application.Improvement;

/// <summary>An entry of the Continual Improvement Register as stored.</summary>
/// <param name="Number">The register number, <c>CIR-YYYY-NNN</c>.</param>
/// <param name="Item">The item (title, description, source change, status, priority).</param>
/// <param name="Owner">Who looks after it, when assigned.</param>
/// <param name="CreatedBy">Who or what created it (a user id, or the workflow activity that did).</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="UpdatedAt">When it last changed.</param>
/// <param name="Version">Optimistic concurrency: 1 when created, +1 on every change.</param>
public sealed record ImprovementRecord(
    string Number,
    ImprovementItem Item,
    string? Owner,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    long Version);

/// <summary>Stores the Continual Improvement Register.</summary>
public interface IImprovementStore
{
    Task<ImprovementRecord?> FindAsync(string number, CancellationToken cancellationToken);

    /// <summary>Items, newest first, optionally those raised by one change.</summary>
    Task<Page<ImprovementRecord>> ListAsync(string? sourceChange, int skip, int take, CancellationToken cancellationToken);

    /// <summary>Replaces an item outside a run; <paramref name="record"/> carries version <paramref name="expectedVersion"/> + 1.</summary>
    Task UpdateAsync(ImprovementRecord record, long expectedVersion, CancellationToken cancellationToken);
}

/// <summary>An improvement item created with a run (e.g. from a PIR finding); its number was allocated beforehand.</summary>
public sealed record ImprovementWrite(ImprovementRecord Record) : IRunWrite;
