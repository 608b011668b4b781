using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Loading.LoaderDocuments;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>Descriptors are complete data a designer and an API can serve, and a new activity type is one class plus one line.</summary>
public sealed class ActivityDescriptorTests
{
    /// <summary>Activities that end a path; they are the only ones allowed to have no outcome port.</summary>
    private static readonly string[] Terminal = ["Elsa.End", "Elsa.Finish"];

    public static TheoryData<string> RegisteredTypes() => [.. ActivityRegistry.CreateDefault().Descriptors.Select(d => d.TypeName)];

    private static ActivityDescriptor Describe(string typeName) => ActivityRegistry.CreateDefault().Find(typeName)!.Descriptor;

    [Fact]
    public void CreateDefault_RegistersEveryElsaTypeTheFormatNames()
    {
        string[] documented =
        [
            "Elsa.Start", "Elsa.End", "Elsa.Finish", "Elsa.WriteLine", "Elsa.SetVariable", "Elsa.FlowDecision", "Elsa.FlowSwitch", "Elsa.FlowFork",
            "Elsa.FlowJoin", "Elsa.Delay", "Elsa.Timer", "Elsa.StartAt", "Elsa.Event", "Elsa.PublishEvent", "Elsa.Fault", "Elsa.SendEmail",
        ];

        var registered = ActivityRegistry.CreateDefault().Descriptors.Select(d => d.TypeName).ToHashSet(StringComparer.Ordinal);

        Assert.All(documented, type => Assert.Contains(type, registered));
    }

    [Theory]
    [MemberData(nameof(RegisteredTypes))]
    public void Descriptor_NamesItsTypeCategoryAndDisplayName_ForEveryRegisteredActivity(string typeName)
    {
        var descriptor = Describe(typeName);

        Assert.Matches(@"^[A-Z][A-Za-z]*\.[A-Z][A-Za-z]*$", descriptor.TypeName);
        Assert.Equal(typeName[..typeName.IndexOf('.', StringComparison.Ordinal)], descriptor.Namespace);
        Assert.False(string.IsNullOrWhiteSpace(descriptor.Category));
        Assert.False(string.IsNullOrWhiteSpace(descriptor.DisplayName));
        Assert.True(Enum.IsDefined(descriptor.Kind));
    }

    [Theory]
    [MemberData(nameof(RegisteredTypes))]
    public void Descriptor_DescribesTheActivityInOneSentence_ForEveryRegisteredActivity(string typeName)
    {
        AssertOneSentence(Describe(typeName).Description);
    }

    [Theory]
    [MemberData(nameof(RegisteredTypes))]
    public void Descriptor_TypesAndDescribesEveryInputAndOutput_ForEveryRegisteredActivity(string typeName)
    {
        var descriptor = Describe(typeName);

        Assert.Equal(descriptor.Inputs.Count, descriptor.Inputs.Select(i => i.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(descriptor.Inputs, input =>
        {
            Assert.Matches("^[a-z][A-Za-z0-9]*$", input.Name);
            Assert.False(string.IsNullOrWhiteSpace(input.DisplayName));
            Assert.True(Enum.IsDefined(input.Type));
            AssertOneSentence(input.Description);
            Assert.Same(input, descriptor.FindInput(input.Name.ToUpperInvariant()));
            if (input.Type == DataType.Enum)
            {
                Assert.NotEmpty(input.Options!);
            }

            if (input.DefaultValue is not null)
            {
                Assert.True(ValueConverter.TryConvert(input.DefaultValue, input.Type, input.Options, out _, out var error), error);
            }
        });
        Assert.All(descriptor.Outputs, output =>
        {
            Assert.Matches("^[a-z][A-Za-z0-9]*$", output.Name);
            AssertOneSentence(output.Description);
        });
    }

    [Theory]
    [MemberData(nameof(RegisteredTypes))]
    public void Descriptor_HasOutcomePortsOrDynamicOnes_UnlessTheActivityEndsThePath(string typeName)
    {
        var descriptor = Describe(typeName);

        if (Terminal.Contains(typeName))
        {
            Assert.Empty(descriptor.Outcomes);
            Assert.False(descriptor.DynamicOutcomes);
        }
        else
        {
            Assert.True(descriptor.Outcomes.Count > 0 || descriptor.DynamicOutcomes, $"{typeName} has neither outcomes nor dynamic outcomes");
            Assert.Equal(descriptor.Outcomes.Count, descriptor.Outcomes.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        }
    }

    [Fact]
    public void Descriptors_SerializeToJsonWithWebDefaults_WhenServedByAnApi()
    {
        var descriptors = ActivityRegistry.CreateDefault().Descriptors;

        var json = JsonSerializer.Serialize(descriptors, JsonSerializerOptions.Web);
        var again = JsonSerializer.Serialize(descriptors, JsonSerializerOptions.Web);

        Assert.Equal(json, again);
        var array = Assert.IsType<JsonArray>(JsonNode.Parse(json));
        Assert.Equal(descriptors.Count, array.Count);
        var join = array.OfType<JsonObject>().Single(d => d["typeName"]!.GetValue<string>() == "Elsa.FlowJoin");
        Assert.Equal("Flow", join["kind"]!.GetValue<string>());
        Assert.Equal("Elsa", join["namespace"]!.GetValue<string>());
        var mode = Assert.IsType<JsonObject>(Assert.Single(join["inputs"]!.AsArray()));
        Assert.Equal("mode", mode["name"]!.GetValue<string>());
        Assert.Equal("Enum", mode["type"]!.GetValue<string>());
        Assert.Equal("WaitAny", mode["defaultValue"]!.GetValue<string>());
        Assert.Equal(["WaitAny", "WaitAll", "WaitAllActive"], mode["options"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.True(mode["literalOnly"]!.GetValue<bool>());
        var fork = array.OfType<JsonObject>().Single(d => d["typeName"]!.GetValue<string>() == "Elsa.FlowFork");
        Assert.True(fork["dynamicOutcomes"]!.GetValue<bool>());
    }

    [Fact]
    public void Descriptors_AreSortedByCategoryThenDisplayName()
    {
        var descriptors = ActivityRegistry.CreateDefault().Descriptors;

        Assert.Equal(
            descriptors.OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.DisplayName, StringComparer.Ordinal).Select(d => d.TypeName),
            descriptors.Select(d => d.TypeName));
    }

    [Fact]
    public void Add_Throws_WhenATypeNameIsRegisteredTwice()
    {
        var registry = ActivityRegistry.CreateDefault();

        var thrown = Assert.Throws<InvalidOperationException>(() => registry.Add<WriteLine>());

        Assert.Equal("The activity type 'Elsa.WriteLine' is already registered.", thrown.Message);
    }

    [Fact]
    public async Task Add_MakesANewActivityTypeLoadableAndRunnable_WithOneClassAndOneLine()
    {
        var engine = new EngineFixture();
        var registry = ActivityRegistry.CreateDefault().Add<Greet>();
        var json = Flowchart(
            Start() + ", " + Activity("greet", Greet.TypeName, Input("name", "Liquid", "{{ Variables.Person }}")) + ", " + WriteLine("after", "after"),
            Connect("start", "greet") + ", " + Connect("greet", "after", "Greeted"),
            variables: """{ "id": "v-person", "name": "Person", "typeName": "String", "value": "Ada" }""");

        var result = new WorkflowLoader(registry).Load(json);

        Assert.Empty(result.Problems);
        Assert.Contains(registry.Descriptors, d => d.TypeName == Greet.TypeName);
        var run = await engine.Runner.StartAsync(result.Definition!);
        Assert.True(run.Accepted, run.Rejection);
        Assert.Equal(WorkflowStatus.Finished, run.State.Status);
        Assert.Equal(["Hello, Ada!", "after"], engine.Lines);
    }

    [Fact]
    public void Load_ChecksANewActivityTypeLikeABuiltInOne_WhenItsInputOrPortIsWrong()
    {
        var registry = ActivityRegistry.CreateDefault().Add<Greet>();
        var json = Flowchart(
            Start() + ", " + Activity("greet", Greet.TypeName) + ", " + WriteLine("after", "after"),
            Connect("start", "greet") + ", " + Connect("greet", "after"));

        var result = new WorkflowLoader(registry).Load(json);

        Assert.Equal(
            [
                "$.root.activities[1].name: Required input 'name' of Acme.Greet is missing.",
                "$.root.connections[1].source.port: Activity 'greet' (Acme.Greet) has no outcome port 'Done'; it has Greeted.",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Load_ReportsUnknownType_WhenTheNewActivityIsNotRegistered()
    {
        var json = Flowchart(Start() + ", " + Activity("greet", Greet.TypeName, "\"name\": \"Ada\""));

        AssertSingleError(Load(json), "$.root.activities[1].type", "Unknown activity type 'Acme.Greet'.");
    }

    private static void AssertOneSentence(string text)
    {
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.True(char.IsUpper(text[0]), $"'{text}' does not start with a capital letter");
        Assert.EndsWith(".", text, StringComparison.Ordinal);
        // Abbreviations such as "e.g." do not end a sentence.
        Assert.DoesNotContain(". ", text[..^1].Replace("e.g.", "eg", StringComparison.Ordinal).Replace("i.e.", "ie", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(text.Trim(), text);
    }

    /// <summary>A custom activity, written the way a ChangeFlow activity would be: a descriptor and an execute method.</summary>
    public sealed class Greet : Activity
    {
        public const string TypeName = "Acme.Greet";

        public static readonly InputDescriptor Name = Inputs.String("name", "Name", "Who to greet.", required: true);

        public override ActivityDescriptor Descriptor { get; } = new(
            TypeName, "Acme", "Greet", "Write a greeting for a person.", ActivityKind.Action, [Name], [], ["Greeted"]);

        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.WriteLine($"Hello, {context.GetString(Name)}!");
            context.Complete("Greeted");
            return default;
        }
    }
}
