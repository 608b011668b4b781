// Every test runs several real processes on two cores; running tests side by side would only make them slower and
// their bounded waits tighter.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
