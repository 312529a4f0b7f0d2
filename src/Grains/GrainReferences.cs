using Orleans.Metadata;

namespace ChurnActors.Grains;

/// <summary>
/// References to the grains the hot path calls, made without Orleans reading the interface's
/// attributes again on every <c>GetGrain</c> (its resolver does not cache them): the interface and
/// grain types are resolved once per silo.
/// </summary>
public sealed class GrainReferences(IGrainFactory grains, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver types)
{
    private readonly Kind _subscriber = Kind.Of<ISubscriberGrain>(interfaces, types);
    private readonly Kind _cell = Kind.Of<ICellGrain>(interfaces, types);

    public ISubscriberGrain Subscriber(string msisdn) => _subscriber.Get<ISubscriberGrain>(grains, msisdn);

    public ICellGrain Cell(string cell) => _cell.Get<ICellGrain>(grains, cell);

    private readonly record struct Kind(GrainInterfaceType Interface, GrainType Grain)
    {
        public static Kind Of<T>(GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver types)
        {
            var interfaceType = interfaces.GetGrainInterfaceType(typeof(T));
            return new Kind(interfaceType, types.GetGrainType(interfaceType));
        }

        public T Get<T>(IGrainFactory grains, string key) => (T)grains.GetGrain(GrainId.Create(Grain, key), Interface);
    }
}
