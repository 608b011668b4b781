using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Shorthands for declaring inputs.</summary>
public static class Inputs
{
    /// <summary>A text input.</summary>
    public static InputDescriptor String(string name, string displayName, string description, bool required = false) =>
        new(name, displayName, DataType.String, description, required);

    /// <summary>An input of any type.</summary>
    public static InputDescriptor Of(DataType type, string name, string displayName, string description, bool required = false) =>
        new(name, displayName, type, description, required);
}
