<?xml version="1.0" encoding="UTF-8"?>
<!--
  The service catalog (page/@name = 'catalog'): search form and the
  services of <catalog q=".."> grouped by @category in order of appearance
  (the engine sorts them: categories in the order of data/categories.xml,
  then by title). The heading of a group is the title of its
  catalog/category; a category without one is headed by its id.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <xsl:include href="layout.xsl"/>

  <xsl:key name="category" match="catalog/service" use="string(@category)"/>

  <xsl:template match="page" mode="title">
    <xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.title'"/></xsl:call-template>
  </xsl:template>

  <xsl:template match="page" mode="main">
    <xsl:variable name="q" select="string(catalog/@q)"/>
    <h1><xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.title'"/></xsl:call-template></h1>
    <p class="lead"><xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.intro'"/></xsl:call-template></p>

    <form class="search" method="get" action="{$script}/" role="search">
      <label for="q"><xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.search.label'"/></xsl:call-template></label>
      <p class="hint" id="q-hint"><xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.search.hint'"/></xsl:call-template></p>
      <div class="search-row">
        <input type="search" id="q" name="q" value="{$q}" maxlength="100" aria-describedby="q-hint"/>
        <xsl:if test="$lang != 'de'">
          <input type="hidden" name="lang" value="{$lang}"/>
        </xsl:if>
        <button type="submit" class="button">
          <xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.search.submit'"/></xsl:call-template>
        </button>
      </div>
    </form>

    <xsl:if test="$q != ''">
      <p class="results">
        <xsl:call-template name="msg">
          <xsl:with-param name="key" select="'catalog.results'"/>
          <xsl:with-param name="arg" select="$q"/>
          <xsl:with-param name="format" select="false()"/>
        </xsl:call-template>
        <xsl:text> – </xsl:text>
        <a href="{$script}/{$lq}"><xsl:call-template name="msg"><xsl:with-param name="key" select="'catalog.show_all'"/></xsl:call-template></a>
      </p>
    </xsl:if>

    <xsl:choose>
      <xsl:when test="not(catalog/service)">
        <p class="empty">
          <xsl:call-template name="msg">
            <xsl:with-param name="key">
              <xsl:choose>
                <xsl:when test="$q != ''">catalog.no_results</xsl:when>
                <xsl:otherwise>catalog.empty</xsl:otherwise>
              </xsl:choose>
            </xsl:with-param>
            <xsl:with-param name="arg" select="$q"/>
            <xsl:with-param name="format" select="false()"/>
          </xsl:call-template>
        </p>
      </xsl:when>
      <xsl:otherwise>
        <xsl:for-each select="catalog/service[generate-id() = generate-id(key('category', string(@category))[1])]">
          <xsl:variable name="cat" select="string(@category)"/>
          <section class="category" aria-labelledby="cat-{position()}">
            <h2 id="cat-{position()}">
              <xsl:variable name="titles" select="/page/catalog/category[@id = $cat]/title"/>
              <xsl:choose>
                <xsl:when test="$titles">
                  <xsl:call-template name="t"><xsl:with-param name="of" select="$titles"/></xsl:call-template>
                </xsl:when>
                <xsl:otherwise><xsl:value-of select="$cat"/></xsl:otherwise>
              </xsl:choose>
            </h2>
            <ul class="services">
              <xsl:apply-templates select="key('category', $cat)"/>
            </ul>
          </section>
        </xsl:for-each>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="catalog/service">
    <li class="service-card">
      <h3>
        <a href="{$script}/services/{@id}{$lq}">
          <xsl:call-template name="t"><xsl:with-param name="of" select="title"/></xsl:call-template>
        </a>
      </h3>
      <xsl:if test="summary">
        <p><xsl:call-template name="t"><xsl:with-param name="of" select="summary"/></xsl:call-template></p>
      </xsl:if>
      <xsl:call-template name="fee-line">
        <xsl:with-param name="fee" select="fee"/>
      </xsl:call-template>
      <xsl:apply-templates select="clerk" mode="contact-line"/>
    </li>
  </xsl:template>

</xsl:stylesheet>
