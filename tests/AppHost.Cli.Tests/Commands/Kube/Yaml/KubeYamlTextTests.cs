using AppHost.Cli.Commands.Kube.Yaml;
using YamlDotNet.Serialization;

namespace AppHost.Cli.Tests.Commands.Kube.Yaml;

/// <summary>YamlText writes every string so that YAML reads back exactly that string, bare only where no YAML version could read it as something else.</summary>
public sealed class KubeYamlTextTests
{
    [Theory]
    [InlineData("shop")]
    [InlineData("/etc/apphost/tls/tls.crt")]
    [InlineData("ghcr.io/acme/shop:1.0")]
    [InlineData("app.kubernetes.io/name")]
    public void PlainWordsStayBare(string word)
    {
        Assert.Equal(word, YamlText.Quote(word));
        Assert.Equal(word, ReadBack(word));
    }

    [Theory]
    [InlineData("yes")] // YAML 1.1's booleans, which Go's yaml.v2 still reads as true and false
    [InlineData("Off")]
    [InlineData("n")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("8443")] // a number where Kubernetes wants a string (args, annotations)
    [InlineData("1:20")] // YAML 1.1's base 60: 80
    [InlineData("0x1F")]
    [InlineData(".inf")]
    [InlineData("2026-12-06")] // a timestamp
    [InlineData("")]
    [InlineData("--port")]
    [InlineData("- item")]
    [InlineData("key: value")]
    [InlineData("shop:")]
    [InlineData("a # not a comment")]
    [InlineData("say \"hi\" \\ back")]
    [InlineData("line\u2028separator and tab\t")]
    [InlineData("&anchor *alias !tag {flow} [flow] | >")]
    [InlineData("Grüße, 日本")]
    public void AnythingElseIsQuotedAndReadBackExactly(string value)
    {
        Assert.StartsWith("\"", YamlText.Quote(value));
        Assert.Equal(value, ReadBack(value));
    }

    [Fact]
    public void ItemsOfMappingsAndCommentsIndentAsKubectlWrites()
    {
        var yaml = new YamlText();
        using (yaml.Sequence("ports"))
        {
            using var item = yaml.Item();
            yaml.Comment("why");
            yaml.Scalar("name", "https");
            yaml.Scalar("port", 443);
        }

        yaml.FlowSequence("drop", ["ALL"]);

        Assert.Equal("ports:\n  # why\n  - name: https\n    port: 443\ndrop: [ALL]\n", yaml.ToString());
    }

    private static string ReadBack(string value)
    {
        var yaml = new YamlText();
        yaml.Scalar("value", value);
        return new DeserializerBuilder().Build().Deserialize<Dictionary<string, string>>(yaml.ToString())["value"];
    }
}
