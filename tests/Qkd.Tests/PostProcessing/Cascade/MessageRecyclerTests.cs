using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class MessageRecyclerTests
{
    [Fact]
    public void Rent_AfterReturn_ReusesTheArrayOfThatLength_Zeroed()
    {
        var recycler = new MessageRecycler();
        var first = recycler.Rent(37);
        first.AsSpan().Fill(0xA5);
        recycler.Return(first);

        var again = recycler.Rent(37);

        Assert.Same(first, again);
        Assert.All(again, b => Assert.Equal(0, b));
        Assert.NotSame(again, recycler.Rent(37));
    }

    [Fact]
    public void Return_ArrayItDidNotHandOut_IsNeverHandedOut()
    {
        var recycler = new MessageRecycler();
        var foreign = new byte[16];

        recycler.Return(foreign);

        Assert.NotSame(foreign, recycler.Rent(16));
    }

    [Fact]
    public void Return_SameArrayTwice_IsHandedOutOnce()
    {
        var recycler = new MessageRecycler();
        var array = recycler.Rent(8);
        recycler.Return(array);
        recycler.Return(array);

        var a = recycler.Rent(8);
        var b = recycler.Rent(8);

        Assert.NotSame(a, b);
    }
}
