<?xml version="1.0" encoding="UTF-8"?>
<!--
  "Check your answers" (page/@name = 'check'): every answer of the pages
  asked, each with a button back to its question, the bill as the server
  computed it, and the button that sends the form. Nothing is stored
  before that button; all answers travel in hidden inputs. Shown again,
  with the reason at the top, when the store could not take them.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>
  <xsl:include href="answers.xsl"/>

  <xsl:variable name="S" select="/page/service"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'check.title'"/></xsl:call-template>
    <xsl:text> – </xsl:text>
    <xsl:call-template name="t">
      <xsl:with-param name="of" select="$S/title"/>
      <xsl:with-param name="inline" select="false()"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:variable name="values" select="/page/values/value"/>
    <!-- Sent, but not stored (<unsent reason="busy|maintenance|unavailable|internal"/>):
         what happened, above the answers that wait to be sent again. -->
    <xsl:if test="unsent">
      <div class="error-summary" id="store-problem" role="alert" tabindex="-1" autofocus="autofocus">
        <h2><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('check.unsent.', unsent/@reason)"/></xsl:call-template></h2>
        <p><xsl:call-template name="msg"><xsl:with-param name="key" select="concat('check.unsent.', unsent/@reason, '.text')"/></xsl:call-template></p>
      </div>
    </xsl:if>
    <p class="caption"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></p>
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'check.title'"/></xsl:call-template></h1>
    <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="'check.intro'"/></xsl:call-template></p>
    <xsl:call-template name="renewed"/>
    <form method="post" action="{$script}/services/{$S/@id}{$lq}" novalidate="novalidate">
      <xsl:call-template name="carry"/>
      <xsl:for-each select="$S/page[@id = /page/asked/@page]">
        <section class="check-page" aria-labelledby="check-{@id}">
          <h2 id="check-{@id}">
            <xsl:choose>
              <xsl:when test="title"><xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template></xsl:when>
              <xsl:otherwise><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></xsl:otherwise>
            </xsl:choose>
          </h2>
          <dl class="check-list">
            <xsl:call-template name="answers">
              <xsl:with-param name="page" select="."/>
              <xsl:with-param name="values" select="$values"/>
              <xsl:with-param name="edit" select="true()"/>
              <xsl:with-param name="all" select="true()"/>
            </xsl:call-template>
          </dl>
        </section>
      </xsl:for-each>
      <section class="check-fee" aria-labelledby="check-fee">
        <h2 id="check-fee"><xsl:call-template name="msg"><xsl:with-param name="key" select="'fee.label'"/></xsl:call-template></h2>
        <xsl:call-template name="bill"><xsl:with-param name="fee" select="/page/fee"/></xsl:call-template>
      </section>
      <p class="privacy">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.privacy'"/></xsl:call-template>
        <xsl:text> </xsl:text>
        <a>
          <xsl:attribute name="href">
            <xsl:call-template name="legal-href"><xsl:with-param name="kind" select="'privacy'"/></xsl:call-template>
          </xsl:attribute>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.privacy_link'"/></xsl:call-template>
        </a>
      </p>
      <button type="submit" class="button" name="_confirm" value="1">
        <xsl:call-template name="msg"><xsl:with-param name="key" select="'form.submit'"/></xsl:call-template>
      </button>
    </form>
    <xsl:apply-templates select="$S/clerk" mode="contact"/>
  </xsl:template>

</xsl:stylesheet>
