using System.Buffers;
using Qkd.PostProcessing;

namespace Qkd.Tests.PostProcessing;

public class CascadeSearchListTests
{
    [Fact]
    public void Add_PastThePooledCapacity_KeepsEverySearchInOrder()
    {
        var list = new CascadeSearchList(ArrayPool<CascadeSearch>.Create());
        for (var i = 0; i < 1000; i++)
        {
            list.Add(new CascadeSearch { Pass = i % 7, Block = i, Node = 1, Start = 3 * i, Length = i + 1 });
        }
        Assert.Equal(1000, list.Count);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(i, list[i].Block);
            Assert.Equal(3 * i, list[i].Start);
        }
    }

    [Fact]
    public void Release_EmptiesTheList_WhichCanBeFilledAgain()
    {
        var list = new CascadeSearchList(ArrayPool<CascadeSearch>.Create());
        list.Add(new CascadeSearch { Block = 4 });
        list.Release();
        Assert.Equal(0, list.Count);
        list.Add(new CascadeSearch { Block = 9 });
        Assert.Equal(9, list[0].Block);
    }
}
