<?xml version="1.0" encoding="UTF-8"?>
<!--
  A service that needs a login, instead of its form (page/@name =
  'login-needed'): <need why="login|level" level="substantial"
  have="basic" sent="1|"/>. Anonymous (why = 'login'): why the service
  needs the service account and a button to the login, which comes back
  to the form; logged in below the level (why = 'level'): which level the
  service needs and how to reach it. sent: a POST was refused (403) and
  nothing was stored. No JavaScript: the button is a link.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:variable name="S" select="/page/service"/>
  <xsl:variable name="need" select="/page/need"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="t">
      <xsl:with-param name="of" select="$S/title"/>
      <xsl:with-param name="inline" select="false()"/>
    </xsl:call-template>
  </xsl:template>

  <!-- "substanziell": a level's name in the page language. -->
  <xsl:template name="level-name">
    <xsl:param name="level"/>
    <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('login.level.', $level)"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:variable name="needed">
      <xsl:call-template name="level-name"><xsl:with-param name="level" select="$need/@level"/></xsl:call-template>
    </xsl:variable>
    <div class="with-aside">
      <div class="intro">
        <p class="caption"><xsl:call-template name="t"><xsl:with-param name="of" select="$S/title"/></xsl:call-template></p>
        <h1>
          <xsl:call-template name="msg"><xsl:with-param name="key" select="concat('login.need.', $need/@why)"/></xsl:call-template>
        </h1>
        <xsl:if test="string($need/@sent)">
          <div class="error-summary" role="alert" tabindex="-1">
            <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'login.need.sent'"/></xsl:call-template></p>
          </div>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="$need/@why = 'login'">
            <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="'login.need.login.text'"/></xsl:call-template></p>
            <xsl:if test="$need/@level != 'basic'">
              <p>
                <xsl:call-template name="msg">
                  <xsl:with-param name="key" select="'login.need.login.level'"/>
                  <xsl:with-param name="arg" select="string($needed)"/>
                </xsl:call-template>
              </p>
            </xsl:if>
            <p class="actions">
              <a class="button">
                <xsl:attribute name="href">
                  <xsl:value-of select="concat($script, '/login?return=', $script, '/services/', $S/@id)"/>
                  <xsl:if test="$lang != 'de'"><xsl:value-of select="concat('%3Flang%3D', $lang)"/></xsl:if>
                </xsl:attribute>
                <xsl:call-template name="msg"><xsl:with-param name="key" select="'login.need.button'"/></xsl:call-template>
              </a>
            </p>
          </xsl:when>
          <xsl:otherwise>
            <p class="lead">
              <xsl:call-template name="msg">
                <xsl:with-param name="key" select="'login.need.level.need'"/>
                <xsl:with-param name="arg" select="string($needed)"/>
              </xsl:call-template>
              <xsl:text> </xsl:text>
              <xsl:call-template name="msg">
                <xsl:with-param name="key" select="'login.need.level.have'"/>
                <xsl:with-param name="arg">
                  <xsl:call-template name="level-name"><xsl:with-param name="level" select="$need/@have"/></xsl:call-template>
                </xsl:with-param>
              </xsl:call-template>
            </p>
            <!-- What to do: the online ID, then log out here and in again. -->
            <div class="panel">
              <p><xsl:call-template name="msg"><xsl:with-param name="key" select="'login.need.level.how'"/></xsl:call-template></p>
              <xsl:if test="string(/page/account/@logout)">
                <p class="actions">
                  <a class="button secondary" href="{/page/account/@logout}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'account.logout'"/></xsl:call-template></a>
                </p>
              </xsl:if>
            </div>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$S/summary">
          <p><xsl:call-template name="t"><xsl:with-param name="of" select="$S/summary"/></xsl:call-template></p>
        </xsl:if>
        <xsl:call-template name="service-facts"/>
      </div>
      <xsl:apply-templates select="$S/clerk" mode="contact"/>
      <div class="body">
        <xsl:call-template name="back-to-catalog"/>
      </div>
    </div>
  </xsl:template>

</xsl:stylesheet>
