using Distill.Tests.Support;

namespace Distill.Tests.Integration;

/// <summary>User story: what <c>distill pack</c> writes is a valid OCI image by the reference validator.</summary>
public sealed class PackedImageValidationTests
{
    [Fact]
    public async Task Oci_image_tool_validates_the_packed_layout()
    {
        var calc = await CalculatorImage.GetAsync();
        LayoutValidator.AssertValid(calc.OciDir);
        var result = await Tool.RunOkAsync(Peers.OciImageTool, ["validate", "--type", "image", "--ref", $"name={CalculatorImage.Tag}", calc.OciDir]);
        Assert.Contains("Validation succeeded", result.All, StringComparison.Ordinal);
    }
}
