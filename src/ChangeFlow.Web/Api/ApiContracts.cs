using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Web.Api;

// The request bodies of the change and task commands, for the OpenAPI document. The endpoints read bodies with
// CommandBody and DossierParser (so every problem is a 400 with its field path); these records only describe them.

/// <summary>Creates a change: the RFC dossier, optionally a standard-change template, and whether to submit it at once.</summary>
/// <param name="Dossier">The RFC dossier.</param>
/// <param name="TemplateId">The standard-change template it instantiates (standard changes).</param>
/// <param name="Submit">Route the change and start its workflow now.</param>
public sealed record CreateChangeBody(ChangeDossierDto Dossier, string? TemplateId, bool? Submit);

/// <summary>A command that moves a change on from the state the caller saw.</summary>
/// <param name="ExpectedState">The state the caller saw; 409 when the change is no longer in it.</param>
/// <param name="Note">A note for the timeline.</param>
public sealed record ChangeCommandBody(ChangeState ExpectedState, string? Note);

/// <summary>Cancels a change.</summary>
/// <param name="ExpectedState">The state the caller saw.</param>
/// <param name="Reason">Why (required).</param>
public sealed record CancelChangeBody(ChangeState ExpectedState, string Reason);

/// <summary>Reports an implementation or rollback step.</summary>
/// <param name="Status">Done or Failed.</param>
/// <param name="Note">What happened (required when Failed).</param>
/// <param name="ExpectedState">The state the caller saw (Implement, or Scheduled for steps planned before the window).</param>
public sealed record StepReportBody(StepStatus Status, string? Note, ChangeState ExpectedState);

/// <summary>Completes a task.</summary>
/// <param name="Outcome">One of the task's outcomes, e.g. Approved or Rejected.</param>
/// <param name="Comment">Why (required for a rejection).</param>
/// <param name="Data">Extra data, e.g. the findings of a post-implementation review.</param>
public sealed record CompleteTaskBody(string Outcome, string? Comment, JsonObject? Data);

/// <summary>Hands a task to someone else.</summary>
/// <param name="UserId">The new assignee's id or e-mail.</param>
public sealed record ReassignTaskBody(string UserId);
