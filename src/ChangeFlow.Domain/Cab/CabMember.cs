using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Domain.Cab;

/// <summary>A person on a CAB and the perspective they bring. Every member votes, except on a change they requested.</summary>
/// <param name="Person">Who.</param>
/// <param name="Role">Why they are on the board.</param>
public sealed record CabMember(Person Person, CabRole Role);
